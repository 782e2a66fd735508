/** A chat message in Slack's incoming-webhook shape: `text` for notifications and clients without blocks. */
export interface WebhookMessage {
  text: string;
  blocks: WebhookBlock[];
}

/** The Block Kit blocks we send: a header and mrkdwn sections (Slack renders them; others read `text`). */
export type WebhookBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } };

/** How a webhook post went; never an exception, so an alert can never fail the command it reports on. */
export interface WebhookDelivery {
  delivered: boolean;
  attempts: number;
  /** The last HTTP status, when the server answered. */
  status?: number;
  /** Why it was not delivered (no URL or secret in it). */
  error?: string;
}

export interface PostWebhookOptions {
  /** The fetch to use (default: the global one); passed in so that library code does no hidden I/O. */
  fetch?: typeof fetch;
  /** Attempts after the first (default 2): on a timeout, a refused connection, HTTP 429 or 5xx. */
  retries?: number;
  /** Per attempt (default 5000 ms). */
  timeoutMs?: number;
  /** Wait before retry n is backoffMs × 2^(n-1) (default 500 ms). */
  backoffMs?: number;
}

/** Slack truncates a section's text beyond 3000 characters and a header beyond 150. */
const SECTION_CHARS = 3000;
const HEADER_CHARS = 150;

const clip = (text: string, chars: number) => (text.length <= chars ? text : `${text.slice(0, chars - 1)}…`);

/**
 * Builds a message: a header, then one section per paragraph (each clipped to what Slack shows), and the same
 * words as plain `text`, which Teams and generic webhooks read and Slack uses for notifications.
 * @example alertMessage('sparkify check FAILED', ['1 check failed', '*volume_nextsong_events*: too few: …'])
 */
export function alertMessage(title: string, paragraphs: readonly string[]): WebhookMessage {
  return {
    text: clip([title, ...paragraphs].join('\n'), 4000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(title, HEADER_CHARS) } },
      ...paragraphs.slice(0, 40).map((paragraph): WebhookBlock => ({
        type: 'section',
        text: { type: 'mrkdwn', text: clip(paragraph, SECTION_CHARS) },
      })),
    ],
  };
}

/** The host of a webhook URL, for messages: its path and query often are the secret (Slack's token). */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the webhook';
  }
}

const retryable = (status: number) => status === 429 || status >= 500;

/** Explains a fetch failure without its URL (undici's messages can quote it). */
function failureOf(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  return cause?.code ?? 'request failed';
}

/**
 * Posts a message as JSON to a webhook: a few attempts with backoff on timeouts, refused connections, 429 and
 * 5xx; never throws. The result names the outcome without the URL, which is usually a secret.
 */
export async function postWebhook(
  url: string,
  message: WebhookMessage,
  options: PostWebhookOptions = {},
): Promise<WebhookDelivery> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const attemptsAllowed = 1 + Math.max(0, options.retries ?? 2);
  const body = JSON.stringify(message);
  let last: WebhookDelivery = { delivered: false, attempts: 0 };
  for (let attempt = 1; attempt <= attemptsAllowed; attempt += 1) {
    if (attempt > 1)
      await new Promise((resolve) => setTimeout(resolve, (options.backoffMs ?? 500) * 2 ** (attempt - 2)));
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection is released; its text is not ours to print.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { delivered: true, attempts: attempt, status: response.status };
      last = {
        delivered: false,
        attempts: attempt,
        status: response.status,
        error: `HTTP ${response.status}`,
      };
      if (!retryable(response.status)) return last;
    } catch (error) {
      last = { delivered: false, attempts: attempt, error: failureOf(error, timeoutMs) };
    }
  }
  return last;
}
