import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** A request a test webhook server received, its JSON body parsed. */
export interface WebhookRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

/** A real HTTP server on 127.0.0.1 standing in for Slack or Teams: it records what was posted. */
export interface TestWebhookServer {
  /** A Slack-looking URL on this server (its path plays the part of the token). */
  url: string;
  received: WebhookRequest[];
  close(): Promise<void>;
}

/**
 * Starts a webhook server that answers the n-th request with `answers[n]` (the last one repeats): an HTTP status,
 * or 'hang' to never answer (for timeouts).
 */
export async function startWebhookServer(answers: (number | 'hang')[] = [200]): Promise<TestWebhookServer> {
  const received: WebhookRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        // Kept as text: the test will say it is not JSON.
      }
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body,
      });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)] ?? 200;
      if (answer === 'hang') hanging.push(response);
      else response.writeHead(answer).end(answer < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret-token`,
    received,
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
