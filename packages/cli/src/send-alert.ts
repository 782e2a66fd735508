import { postWebhook, type WebhookMessage, webhookHost } from '@sparkify/quality';
import type { CliContext } from './context.js';
import { RedactingStream } from './redaction/redacting-stream.js';
import { redactText, redactUrlPasswords } from './redaction/redact-text.js';

/** The secrets the context's output already hides (configuration, environment): an alert must hide them too. */
function knownSecrets(context: CliContext): Set<string> {
  const secrets = new Set<string>();
  for (const stream of [context.stdout, context.stderr]) {
    if (stream instanceof RedactingStream) for (const secret of stream.secrets) secrets.add(secret);
  }
  return secrets;
}

/**
 * Posts an alert to the configured webhook and says on stderr how it went. Never throws and never changes the
 * exit code: the command's own result is what matters, and a chat outage must not fail a load. The message is
 * redacted like everything else the CLI writes, and the URL (usually a token) is never printed.
 */
export async function sendAlert(
  context: CliContext,
  url: string | undefined,
  message: WebhookMessage | undefined,
): Promise<void> {
  if (!url || !message) return;
  const redacted = JSON.parse(
    redactUrlPasswords(redactText(JSON.stringify(message), knownSecrets(context))),
  ) as WebhookMessage;
  const delivery = await postWebhook(url, redacted, { retries: 2, timeoutMs: 5000, backoffMs: 500 });
  const host = webhookHost(url);
  if (delivery.delivered) {
    context.stderr.write(`alert posted to ${host}\n`);
  } else {
    context.stderr.write(
      `warning: could not post the alert to ${host} (${delivery.error ?? 'failed'} after ${delivery.attempts} ` +
        `attempt${delivery.attempts === 1 ? '' : 's'}); the exit code is unchanged\n`,
    );
  }
}
