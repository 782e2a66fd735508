/**
 * Double-encodes a text the way the Sparkify event logs do: UTF-8 bytes read back as Latin-1, twice, so
 * `Björk` becomes `BjÃ\u0083Â¶rk`. ASCII text is returned unchanged.
 */
export function mojibake(text: string): string {
  return latin1Reading(latin1Reading(text));
}

function latin1Reading(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}
