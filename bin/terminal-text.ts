/**
 * Build output made safe for a terminal. A build prints what it likes; on
 * the terminal of whoever reads its log, an escape sequence could set the
 * window title, move the cursor over earlier lines or, on some terminals,
 * write files. Colours (SGR, `ESC [ … m`) are kept, as CI logs use them;
 * every other control character is shown in caret notation (`^[`, `^G`).
 * Tabs, newlines and carriage returns stay as they are.
 */

/** What follows ESC in a colour code: `[`, parameters, `m`. */
const colour = /^\[[0-9;:]*m/;

/** `text` with every control character but tab, newline, CR and colour codes made visible. */
export function terminalSafe(text: string): string {
  let safe = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    const code = char.charCodeAt(0);
    const kept = code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0);
    if (kept || char === '\t' || char === '\n' || char === '\r') {
      safe += char;
      continue;
    }
    const sgr = char === '\x1b' ? colour.exec(text.slice(i + 1, i + 64)) : null;
    if (sgr) {
      safe += char + sgr[0];
      i += sgr[0].length;
      continue;
    }
    safe +=
      code < 0x20
        ? `^${String.fromCharCode(code + 0x40)}`
        : code === 0x7f
          ? '^?'
          : `\\u${code.toString(16).padStart(4, '0')}`;
  }

  return safe;
}
