import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One API call the scripted service received: the operation and its parameters as the SDK sent them. */
export interface AwsCall {
  operation: string;
  params: Record<string, unknown>;
}

/** An answer per operation: a JSON body (JSON protocols) or the inner XML of `<OpResult>` (Query protocol). */
export type AwsScript = Record<string, (params: Record<string, unknown>) => unknown>;

/** A loopback HTTP server answering AWS API calls as the service's API reference documents them. */
export interface ScriptedAws {
  endpoint: string;
  calls: AwsCall[];
  stop(): Promise<void>;
}

function xmlOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([key, inner]) => `<${key}>${xmlOf(inner)}</${key}>`)
    .join('');
}

/**
 * Starts the scripted service. It speaks the two wire protocols these APIs use: AWS Query (form-encoded
 * `Action=…`, XML answer: Redshift) and AWS JSON 1.1 (`X-Amz-Target: Service.Operation`: Redshift
 * Serverless, Secrets Manager). An operation the script lacks answers 400 with an AWS error body.
 */
export async function startScriptedAws(script: AwsScript): Promise<ScriptedAws> {
  const calls: AwsCall[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      let operation: string;
      let params: Record<string, unknown>;
      if (typeof target === 'string') {
        operation = target.split('.').pop()!;
        params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      } else {
        const form = new URLSearchParams(body);
        operation = form.get('Action') ?? '';
        params = Object.fromEntries(form);
      }
      calls.push({ operation, params });
      const answer = script[operation];
      if (!answer) {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ __type: 'UnknownOperationException', message: operation }));
        return;
      }
      let result: unknown;
      try {
        result = answer(params);
      } catch (error) {
        const name = (error as Error).name;
        if (typeof target === 'string') {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: name, message: (error as Error).message }));
        } else {
          response.writeHead(400, { 'content-type': 'text/xml' });
          response.end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>${name}</Code><Message>${(error as Error).message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
          );
        }
        return;
      }
      if (typeof target === 'string') {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(result));
      } else {
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(
          `<${operation}Response xmlns="http://redshift.amazonaws.com/doc/2012-12-01/"><${operation}Result>` +
            `${xmlOf(result)}</${operation}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>` +
            `</${operation}Response>`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
