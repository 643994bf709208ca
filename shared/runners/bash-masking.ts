/**
 * The masking filter of a bash phase script: every line of output passes
 * through awk (found on the runner's own PATH, whatever the build made of
 * its PATH), which replaces each secure value with `***`, longest first.
 * A value is masked as printed, as JSON writes it (backslash, quote, tab,
 * carriage return and control characters escaped: so in the phase report,
 * where SetVariable and AddMessage values go), and as bash single-quotes it
 * in `set -x` traces. Not masked: a value printed in pieces or across lines,
 * or encoded otherwise (base64, URL encoding, `printf %q`, hex); a value of
 * several lines is masked line by line. Lines come out as they come in (mawk
 * is made interactive), and the filter ignores SIGTERM so that it writes out
 * what a stopped phase printed.
 */
export const bashMask = `__bh_mask() {
  local flags=() PATH=$__bh_path
  trap '' TERM
  # mawk reads a pipe in blocks, holding lines back, unless it is interactive.
  case $(awk -W version 2>&1 < /dev/null) in *mawk*) flags=(-W interactive) ;; esac
  BH_MASK=$__bh_mask_values awk \${flags[@]+"\${flags[@]}"} '
    function swap(text, from, to,   out, at) {
      out = ""
      while ((at = index(text, from)) > 0) {
        out = out substr(text, 1, at - 1) to
        text = substr(text, at + length(from))
      }
      return out text
    }
    function json(text,   out, i, c) {
      out = ""
      for (i = 1; i <= length(text); i++) {
        c = substr(text, i, 1)
        if (c == "\\\\" || c == "\\"") out = out "\\\\" c
        else if (c in escaped) out = out escaped[c]
        else out = out c
      }
      return out
    }
    function add(secret,   j) {
      if (secret == "" || secret in known) return
      known[secret] = 1
      for (j = ++n; j > 1 && length(s[j - 1]) < length(secret); j--) s[j] = s[j - 1]
      s[j] = secret
    }
    BEGIN {
      for (i = 1; i < 32; i++) escaped[sprintf("%c", i)] = sprintf("\\\\u%04x", i)
      escaped["\\t"] = "\\\\t"; escaped["\\r"] = "\\\\r"
      m = split(ENVIRON["BH_MASK"], raw, "\\n")
      for (i = 1; i <= m; i++) {
        line = raw[i]; sub(/\\r$/, "", line)
        add(line); add(json(line)); add(swap(line, "\\047", "\\047\\\\\\047\\047"))
      }
    }
    { for (k = 1; k <= n; k++) $0 = swap($0, s[k], "***"); print; fflush() }'
}
`;
