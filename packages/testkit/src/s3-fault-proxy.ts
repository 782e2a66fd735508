import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';

/** What the proxy does with one request. */
export type S3Fault =
  /** An S3 error document with this status and code (503 SlowDown, 403 AccessDenied, 404 NoSuchKey…). */
  | { kind: 'error'; status: number; code: string; message?: string }
  /** Close the client's connection before any response: a dropped connection. */
  | { kind: 'reset' }
  /** Forward, send the headers and the first `afterBytes` of the body, then drop the connection. */
  | { kind: 'reset-body'; afterBytes: number }
  /** Wait until `until` settles (at most `maxMs`), then forward: a request the test releases when it is ready. */
  | { kind: 'hold'; until: Promise<unknown>; maxMs?: number }
  /** Run `before` (e.g. delete the object), then forward: something that happens between two requests. */
  | { kind: 'before'; before: () => Promise<unknown> }
  /** Answer as the service would, without forwarding: a status and a body made from the request's path. */
  | { kind: 'answer'; status: number; contentType: string; body: (path: string) => string }
  | { kind: 'pass' };

/** A request as the proxy saw it: method, decoded path (`/bucket/key`), query and what it did. */
export interface SeenRequest {
  method: string;
  path: string;
  query: string;
  fault: S3Fault['kind'];
}

/** Which requests a fault applies to, and how many times (the first `times` matches; default every one). */
export interface S3FaultRule {
  method?: string;
  /** Tested against the decoded path, `/bucket/key` (path-style addressing). */
  path?: RegExp;
  /** Tested against the raw query string, e.g. /list-type=2/ for listings. */
  query?: RegExp;
  times?: number;
  fault: S3Fault;
}

/** A fault-injecting HTTP proxy in front of an S3 API on loopback. */
export interface S3FaultProxy {
  /** http://127.0.0.1:<port>: give it to the S3 client instead of the real endpoint. */
  endpoint: string;
  /** Every request so far, in arrival order. */
  readonly seen: SeenRequest[];
  /** Adds a rule; the first matching rule with turns left decides. */
  addRule(rule: S3FaultRule): void;
  clearRules(): void;
  stop(): Promise<void>;
}

// Bounds: a proxy for tests must never hang a run or grow without limit.
const MAX_CONNECTIONS = 128;
const MAX_HOLD_MS = 60_000;
const MAX_SEEN = 10_000;

function errorDocument(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
}

/**
 * Starts a proxy on 127.0.0.1 that forwards to `target` (e.g. s3rver's endpoint) except for requests matching a
 * rule, which get an S3 error, a dropped connection, a cut body, a hold or a side effect first. Path-style only.
 */
export async function startS3FaultProxy(target: string): Promise<S3FaultProxy> {
  const upstream = new URL(target);
  const rules: { rule: S3FaultRule; left: number }[] = [];
  const seen: SeenRequest[] = [];

  const pick = (method: string, path: string, query: string): S3Fault => {
    for (const entry of rules) {
      const { rule } = entry;
      if (entry.left <= 0) continue;
      if (rule.method && rule.method !== method) continue;
      if (rule.path && !rule.path.test(path)) continue;
      if (rule.query && !rule.query.test(query)) continue;
      entry.left -= 1;
      return rule.fault;
    }
    return { kind: 'pass' };
  };

  const forward = (req: IncomingMessage, res: ServerResponse, cutAfter?: number) => {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        timeout: 30_000,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (cutAfter === undefined) {
          answer.pipe(res);
          return;
        }
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= cutAfter) return;
          const part = chunk.subarray(0, cutAfter - sent);
          sent += part.length;
          res.write(part);
          if (sent >= cutAfter) {
            // Let the bytes leave before the connection drops, as a real network failure mid-body would.
            setTimeout(() => {
              res.socket?.destroy();
              answer.destroy();
            }, 20);
          }
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('upstream timeout')));
    outgoing.on('error', () => res.socket?.destroy());
    req.pipe(outgoing);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = req.method ?? 'GET';
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    const query = url.search.replace(/^\?/, '');
    const fault = pick(method, path, query);
    if (seen.length < MAX_SEEN) seen.push({ method, path, query, fault: fault.kind });
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    switch (fault.kind) {
      case 'error': {
        const body = errorDocument(fault.code, fault.message ?? fault.code);
        req.resume();
        res.writeHead(fault.status, {
          'content-type': 'application/xml',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
        return;
      }
      case 'answer': {
        const body = fault.body(path);
        req.resume();
        res.writeHead(fault.status, {
          'content-type': fault.contentType,
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
        return;
      }
      case 'reset':
        req.resume();
        req.socket.destroy();
        return;
      case 'reset-body':
        forward(req, res, fault.afterBytes);
        return;
      case 'hold': {
        const limit = Math.min(fault.maxMs ?? MAX_HOLD_MS, MAX_HOLD_MS);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((resolve) => (timer = setTimeout(resolve, limit)));
        void Promise.race([fault.until.catch(() => undefined), timeout]).then(() => {
          clearTimeout(timer);
          if (!req.socket.destroyed) forward(req, res);
        });
        return;
      }
      case 'before':
        void fault
          .before()
          .catch(() => undefined)
          .then(() => forward(req, res));
        return;
      case 'pass':
        forward(req, res);
    }
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the fault proxy has no address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    seen,
    addRule: (rule) => rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }),
    clearRules: () => void rules.splice(0),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
