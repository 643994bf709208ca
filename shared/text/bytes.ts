/**
 * Free text within a budget of UTF-8 bytes. Events and views keep what
 * scripts and webhooks send (messages, names, commit titles) far below
 * DynamoDB's 400 KB item, whatever size it arrives in.
 */

/** `text` cut to at most `maxBytes` of UTF-8, never inside a character. */
export function cutToBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) to the start of a character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;

  return bytes.subarray(0, end).toString('utf8');
}

/**
 * `text` within `maxBytes` of UTF-8 and a note: a longer text is cut and
 * ends with `… [Bakehouse kept the first N of M bytes]`, so a reader knows.
 */
export function keptText(text: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return text;

  const note = `[Bakehouse kept the first ${maxBytes} of ${bytes} bytes]`;

  return `${cutToBytes(text, maxBytes)}… ${note}`;
}
