import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../bin/terminal-text.ts';

describe('build output shown on a terminal', () => {
  it('keeps text, tabs, newlines, carriage returns and colours', () => {
    const text = 'ok\tdone\r\n\x1b[31mred\x1b[0m and \x1b[1;32mbold green\x1b[m\n';

    expect(terminalSafe(text)).toBe(text);
  });

  it('shows other escape sequences and control characters in caret notation', () => {
    const title = '\x1b]0;pwned\x07';
    const cursor = '\x1b[2J\x1b[H';

    expect(terminalSafe(`a${title}b${cursor}c\x00\x7f\x9b`)).toBe(
      'a^[]0;pwned^Gb^[[2J^[[Hc^@^?\\u009b',
    );
  });

  it('keeps characters past ASCII', () => {
    expect(terminalSafe('é € 😀\n')).toBe('é € 😀\n');
  });
});
