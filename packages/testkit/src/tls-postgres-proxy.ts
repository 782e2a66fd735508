import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';

/** What the proxy saw: sessions that negotiated TLS, sessions that did not, and handshakes that failed. */
export interface TlsProxyStats {
  tlsSessions: number;
  plainSessions: number;
  failedHandshakes: number;
}

/** A TLS-terminating PostgreSQL front on loopback with a self-signed certificate for 127.0.0.1. */
export interface TlsPostgresProxy {
  host: '127.0.0.1';
  port: number;
  /** The self-signed certificate (PEM file): trust it through NODE_EXTRA_CA_CERTS to make verification pass. */
  certFile: string;
  readonly stats: TlsProxyStats;
  stop(): Promise<void>;
}

const SSL_REQUEST = 80877103;

function selfSignedCertificate(folder: string): { key: Buffer; cert: Buffer; certFile: string } {
  const keyFile = join(folder, 'key.pem');
  const certFile = join(folder, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile };
}

/**
 * Starts a proxy that speaks PostgreSQL's TLS negotiation (answers SSLRequest with 'S', then a TLS handshake
 * with a self-signed certificate) and forwards the decrypted stream to a plain PostgreSQL at `targetUrl`.
 * Plain sessions are forwarded too, and counted, so a test can tell whether a client used TLS at all.
 */
export async function startTlsPostgresProxy(targetUrl: string): Promise<TlsPostgresProxy> {
  const target = new URL(targetUrl);
  const folder = mkdtempSync(join(tmpdir(), 'sparkify-tls-proxy-'));
  const { key, cert, certFile } = selfSignedCertificate(folder);
  const stats: TlsProxyStats = { tlsSessions: 0, plainSessions: 0, failedHandshakes: 0 };
  const sockets = new Set<Socket>();

  const pipeUpstream = (client: Socket, first?: Buffer) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    if (first) upstream.write(first);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('readable', function onReadable() {
      const head = socket.read(8) as Buffer | null;
      if (!head) {
        socket.once('readable', onReadable);
        return;
      }
      if (head.readInt32BE(0) === 8 && head.readInt32BE(4) === SSL_REQUEST) {
        socket.write('S');
        const secure = new TLSSocket(socket, { isServer: true, key, cert });
        secure.on('error', () => {
          stats.failedHandshakes += 1;
          socket.destroy();
        });
        secure.once('secure', () => {
          stats.tlsSessions += 1;
          pipeUpstream(secure);
        });
        return;
      }
      stats.plainSessions += 1;
      pipeUpstream(socket, head);
    });
  });
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the TLS proxy has no address');
  return {
    host: '127.0.0.1',
    port: address.port,
    certFile,
    stats,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          rmSync(folder, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
