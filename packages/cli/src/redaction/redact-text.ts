/** What a secret is replaced with in anything the CLI prints. */
export const REDACTED = '***';

// Shorter values would turn ordinary words into "***" everywhere; such a password is not a secret worth the noise.
const MIN_SECRET_LENGTH = 3;

/** The forms a secret can take once printed: as is, JSON-escaped and URL-encoded. */
export function secretVariants(secret: string): string[] {
  if (secret.length < MIN_SECRET_LENGTH) return [];
  const variants = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  return [...variants];
}

/** Replaces every occurrence of every secret (and its escaped forms) with `***`, longest first. */
export function redactText(text: string, secrets: Iterable<string>): string {
  const variants = [...new Set([...secrets].flatMap(secretVariants))].sort((a, b) => b.length - a.length);
  let result = text;
  for (const variant of variants) result = result.split(variant).join(REDACTED);
  return result;
}

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):([^@\s/]*)@/gi;

/** Hides the password of any `scheme://user:password@host` in a text, e.g. a driver's error message. */
export function redactUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, (_match, prefix: string) => `${prefix}:${REDACTED}@`);
}

/** The password of a connection URL, or undefined when it has none or does not parse. */
export function passwordOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:([^@\s]*)@/i.exec(url)?.[1] || undefined;
  }
}
