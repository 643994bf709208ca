/**
 * File rules of `skip_commits.files` / `only_commits.files`: `dir/*` (one
 * level), `dir/**` + `/*` and `dir/` (recursive), exact paths, `**` + `/*.html`.
 * Both slashes are accepted; names compare case-insensitively, as on Windows.
 */

function normalize(path: string): string {
  return path
    .trim()
    .replace(/\\/g, '/')
    .replace(/^\.?\//, '');
}

function toRegex(rule: string): RegExp {
  let source = '';
  for (let i = 0; i < rule.length; i += 1) {
    const char = rule[i] ?? '';
    if (rule.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (rule.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }

  return new RegExp(`^${source}$`, 'i');
}

/** True when the changed file matches the rule. */
export function fileMatches(rule: string, file: string): boolean {
  const pattern = normalize(rule);
  const path = normalize(file);
  if (pattern.endsWith('/')) return path.toLowerCase().startsWith(pattern.toLowerCase());

  return toRegex(pattern).test(path);
}

/** True when the file matches any of the rules. */
export function anyRuleMatches(rules: readonly string[], file: string): boolean {
  return rules.some((rule) => fileMatches(rule, file));
}
