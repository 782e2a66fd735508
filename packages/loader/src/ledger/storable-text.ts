// Unpaired surrogates are not text; with the u flag a valid pair is one code point and is left alone.
const LONE_SURROGATES = /\p{Cs}/gu;

/**
 * Makes any text storable in a ledger VARCHAR column of `maxBytes` UTF-8 bytes: NUL (which PostgreSQL text
 * cannot hold: a NUL-padded file, a UTF-16 one) and lone surrogates become U+FFFD, and the text is cut at a
 * character boundary to fit the bytes (Redshift's VARCHAR(n) counts bytes). Every ledger write goes through it,
 * so that recording a failure can never fail in its turn.
 */
export function storableText(text: string, maxBytes: number): string {
  let clean = text.includes('\0') ? text.replace(/\0/g, '\uFFFD') : text;
  if (LONE_SURROGATES.test(clean)) clean = clean.replace(LONE_SURROGATES, '\uFFFD');
  LONE_SURROGATES.lastIndex = 0;
  if (clean.length * 3 <= maxBytes) return clean;
  const bytes = Buffer.from(clean);
  if (bytes.length <= maxBytes) return clean;
  // Step back over continuation bytes (10xxxxxx) so that no character is cut in half.
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/** storableText for a column that may be NULL. */
export function storableOrNull(text: string | null | undefined, maxBytes: number): string | null {
  return text === null || text === undefined ? null : storableText(text, maxBytes);
}
