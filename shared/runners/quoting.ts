/** Quotes a value as one bash word, with nothing expanded inside it. */
export function bashQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes a value as a PowerShell verbatim string (typographic quotes included). */
export function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (quote) => quote + quote)}'`;
}
