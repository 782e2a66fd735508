import { Writable } from 'node:stream';
import type { CliContext } from '../context.js';
import { redactText } from './redact-text.js';

/**
 * A writable that passes text on to another stream with every known secret replaced by `***`. Writes are
 * forwarded synchronously and whole, so a secret is caught as long as one `write` call holds all of it.
 */
export class RedactingStream extends Writable {
  readonly secrets = new Set<string>();

  constructor(readonly target: Writable) {
    super({ decodeStrings: false });
  }

  /** Adds values that must never be printed from now on. */
  addSecrets(secrets: Iterable<string | undefined>): void {
    for (const secret of secrets) if (secret) this.secrets.add(secret);
  }

  override _write(chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    this.target.write(redactText(text, this.secrets));
    callback();
  }
}

/** Makes the context's stdout and stderr redact these secrets (wrapping them the first time). */
export function installRedaction(context: CliContext, secrets: Iterable<string | undefined>): void {
  const list = [...secrets];
  const stdout =
    context.stdout instanceof RedactingStream ? context.stdout : new RedactingStream(context.stdout);
  const stderr =
    context.stderr instanceof RedactingStream ? context.stderr : new RedactingStream(context.stderr);
  stdout.addSecrets(list);
  stderr.addSecrets(list);
  context.stdout = stdout;
  context.stderr = stderr;
}
