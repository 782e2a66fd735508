import { redactUrlPasswords } from './redaction/redact-text.js';

/** The host and port a connection was meant for, when known (never the password). */
export interface Endpoint {
  host: string;
  port: number | string;
  database?: string;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running and listening on that port?)',
  ENOTFOUND: 'host not found (check the host name)',
  EAI_AGAIN: 'host name lookup failed (check the host name and your network)',
  ETIMEDOUT: 'connection timed out (check the host, port, firewall or security group)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the server',
};

/** What a network error code (ECONNREFUSED, ENOTFOUND, ECONNRESET…) means, for any service; undefined when unknown. */
export function describeNetworkCode(code: string): string | undefined {
  return NETWORK_CODES[code];
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

// admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down).
const LOST_CODES = ['57P01', '57P02', '57P03'];
const LOST_MESSAGE =
  /Connection terminated unexpectedly|server closed the connection unexpectedly|terminating connection due to administrator command/i;

function codesOf(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const record = error as { code?: unknown; errors?: unknown; cause?: unknown };
  const own = typeof record.code === 'string' ? [record.code] : [];
  // Node reports a refused "localhost" as an AggregateError over its IPv6 and IPv4 attempts.
  const nested = Array.isArray(record.errors) ? record.errors.flatMap(codesOf) : [];
  return [...own, ...nested, ...(record.cause ? codesOf(record.cause) : [])];
}

function endpointOf(error: unknown): string | undefined {
  const record = error as { address?: unknown; port?: unknown; hostname?: unknown; errors?: unknown[] };
  if (typeof record?.hostname === 'string') return record.hostname;
  if (typeof record?.address === 'string')
    return `${record.address}${record.port ? `:${String(record.port)}` : ''}`;
  if (Array.isArray(record?.errors)) return record.errors.map(endpointOf).find(Boolean);
  return undefined;
}

/**
 * A one-line explanation when an error means the database could not be reached or refused us (network, TLS,
 * authentication, missing database, timeout), naming host:port and never the password; undefined otherwise.
 */
export function describeConnectionError(error: unknown, endpoint?: Endpoint): string | undefined {
  const codes = codesOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const where = endpoint ? `${endpoint.host}:${endpoint.port}` : (endpointOf(error) ?? 'the database');
  const database = endpoint?.database ? ` (database ${endpoint.database})` : '';
  // A connection that worked and then went away (server restart, failover, crash) is not a setup problem.
  if (LOST_CODES.some((code) => codes.includes(code)) || LOST_MESSAGE.test(message)) {
    return redactUrlPasswords(
      `lost the connection to ${where}${database}: the server shut down or restarted during the command (${message}); run it again`,
    );
  }
  let reason: string | undefined;
  const network = codes.find((code) => code in NETWORK_CODES);
  if (network) reason = NETWORK_CODES[network];
  else if (codes.includes('28P01')) reason = 'password authentication failed (check the user and password)';
  else if (codes.includes('28000')) reason = `the server rejected the login: ${message}`;
  else if (codes.includes('3D000')) reason = `${message} (create it, or fix the database name)`;
  else if (codes.some((code) => TLS_CODES.has(code))) {
    reason = `TLS certificate verification failed (${message}); fix the trust store, or pass --tls no-verify to encrypt without verifying`;
  } else if (/does not support SSL/i.test(message))
    reason = 'the server does not accept TLS; pass --tls off if that is intended';
  else if (/timeout|timed out/i.test(message) && /connect|acquir/i.test(message))
    reason = 'connection timed out (check the host, port, firewall or security group)';
  if (!reason) return undefined;
  return redactUrlPasswords(`cannot connect to ${where}${database}: ${reason}`);
}
