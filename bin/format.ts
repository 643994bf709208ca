/** How the `bakehouse` commands show things to people: tables, durations, times. */

/** Rows under a header, each column as wide as its widest cell, two spaces apart. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => (row[column] ?? '').length)),
  );
  const lines = all.map((row) =>
    widths
      .map((width, column) => (row[column] ?? '').padEnd(width))
      .join('  ')
      .trimEnd(),
  );

  return `${lines.join('\n')}\n`;
}

/** A duration for people: `850 ms`, `12.3 s`, `2 min 05 s`, `1 h 02 min`; `-` when unknown. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
  }

  return `${Math.floor(seconds / 3600)} h ${pad(Math.floor(seconds / 60) % 60)} min`;
}

/** A size for people: `850 B`, `12.3 KiB`, `4.0 MiB`, `1.2 GiB`. */
export function size(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB'];
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }

  return `${value.toFixed(1)} ${units[unit]}`;
}

/** An ISO time as `YYYY-MM-DD HH:MM:SS` (UTC); `-` when absent. */
export function time(iso: string | undefined): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '-';
}

/** The first seven characters of a commit sha, as git shows it. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** A value for a table cell; `-` when absent. */
export function cell(value: string | number | undefined): string {
  return value === undefined || value === '' ? '-' : String(value);
}

/** JSON for scripts: indented, one trailing newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
