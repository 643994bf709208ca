import { describe, expect, it } from 'vitest';
import { duration, size, table } from '../../bin/format.ts';

describe('the CLI formats', () => {
  it.each([
    [undefined, '-'],
    [850, '850 ms'],
    [12_345, '12.3 s'],
    [125_000, '2 min 05 s'],
    [3_725_000, '1 h 02 min'],
  ])('humanizes %s ms as %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });

  it.each([
    [850, '850 B'],
    [12_595, '12.3 KiB'],
    [4 * 1024 ** 2, '4.0 MiB'],
    [1.25 * 1024 ** 3, '1.3 GiB'],
  ])('humanizes %s bytes as %s', (bytes, text) => {
    expect(size(bytes)).toBe(text);
  });

  it('aligns each column to its widest cell', () => {
    expect(
      table(
        ['A', 'B', 'C'],
        [
          ['long', 'x', 'y'],
          ['s', 'wide', 'z'],
        ],
      ),
    ).toBe('A     B     C\nlong  x     y\ns     wide  z\n');
  });
});
