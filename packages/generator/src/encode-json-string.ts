/** How a source system wrote its JSON strings. */
export interface JsonStringStyle {
  /** Write `/` as `\/` (the event simulator's JSON library does; Python's json.dumps does not). */
  escapeSlashes: boolean;
}

/**
 * Encodes a string as JSON text in pure ASCII, the way both Sparkify sources do: every non-ASCII UTF-16 unit
 * becomes a lowercase `\uXXXX` escape (`Bj\u00f6rk`), and slashes are escaped when the style asks for it.
 */
export function encodeJsonString(value: string, style: JsonStringStyle): string {
  let text = JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (style.escapeSlashes) text = text.replaceAll('/', '\\/');
  return text;
}
