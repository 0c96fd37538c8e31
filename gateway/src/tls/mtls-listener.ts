/**
 * The mutual-TLS listener (#5): a second HTTPS port (MTLS_PORT) serving the same fastify app,
 * whose handshake asks for a client certificate. Only this port asks, so nobody using the
 * main port is ever prompted for a certificate.
 *
 * - `requestCert: true, rejectUnauthorized: false`: a handshake without a certificate, or with
 *   one that does not verify, still completes, so the browser shows our page saying why
 *   instead of a bare TLS alert. The request context reports a certificate only when its
 *   chain verified in this handshake (context/client-certificate.ts); whether it identifies a
 *   user of THIS tenant (the tenant's CA or anchor, validity, clientAuth, revocation, active
 *   user) is decided by device-cert's `verifyClientCertificate` on every request, so a
 *   revocation denies the very next request, on a kept-alive connection too.
 * - `ca` is every tenant device CA and uploaded trust anchor: the handshake's trust store and
 *   the certificate_authorities of its CertificateRequest (RFC 8446 §4.3.2, RFC 5246
 *   §7.4.4), from which browsers choose the certificate to offer. Never the system roots:
 *   an empty list trusts nothing.
 * - The list is reloaded every `refreshSeconds` (a CA created on another node shows up here
 *   within that time) and at once by `refresh()`; a changed list replaces the secure context
 *   (`server.setSecureContext`) for new connections. A failed reload keeps the current list.
 * - It closes with the app (preClose): no new connections, idle keep-alives ended, in-flight
 *   requests finish (fastify answers 503 to new requests on open connections by then).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';

export interface MtlsListenerOptions {
  /** The server's own certificate and key (PEM), as for the main listener. */
  tls: { key: string; cert: string };
  /** PEM certificates of the CAs whose client certificates are asked for and trusted. */
  loadAuthorities: () => Promise<string[]>;
  /** Seconds between reloads of the CA list (5). */
  refreshSeconds?: number;
  /** MTLS_PUBLIC_URL: where users reach this listener. */
  publicUrl?: string | undefined;
  /**
   * PUBLIC_URL: without MTLS_PUBLIC_URL the listener is reached at its host with the mTLS
   * port, so the session cookie (which ignores ports, RFC 6265 §8.5) serves both listeners.
   */
  mainPublicUrl: string;
}

export interface MtlsListener {
  readonly server: Server;
  /** The URL users reach the listener at; known once it listens. */
  readonly url: string | undefined;
  /** How many CA certificates the current secure context names. */
  readonly authorityCount: number;
  listen(port: number, host: string): Promise<string>;
  /** Reloads the CA list now; replaces the secure context if it changed. */
  refresh(): Promise<void>;
  /** Whether a socket was accepted by this listener (not the main one). */
  owns(socket: Socket): boolean;
}

const KEEP_ALIVE_MS = 72_000;

function usablePems(pems: readonly string[]): string[] {
  return pems.filter((pem) => {
    try {
      return new X509Certificate(pem).ca;
    } catch {
      return false;
    }
  });
}

function contextOptions(tls: MtlsListenerOptions['tls'], ca: string[]): SecureContextOptions {
  return { key: tls.key, cert: tls.cert, ca, minVersion: 'TLSv1.2' };
}

/**
 * Creates the listener on `app` before the app is ready (it adds a preClose hook); call
 * `listen()` once the app is ready.
 * @example
 * const mtls = createMtlsListener(app, { tls, loadAuthorities, mainPublicUrl });
 * await app.listen({ port: 8443 });
 * await mtls.listen(8444, '0.0.0.0');
 */
export function createMtlsListener(
  app: FastifyInstance,
  options: MtlsListenerOptions,
): MtlsListener {
  const sockets = new WeakSet<Socket>();
  let digest = '';
  let count = 0;
  let url: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const server = createServer(
    { ...contextOptions(options.tls, []), requestCert: true, rejectUnauthorized: false },
    app.routing,
  );
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    // Reading the peer certificate here, within the handshake, also clears OpenSSL's error
    // queue: a client certificate whose signature does not verify leaves an entry there that
    // Node 24 reports on the next read as a fatal error, dropping the connection before our
    // page can say why the certificate was refused.
    const peer = socket.getPeerCertificate(false);
    if (!socket.authorized && peer.raw) {
      const reason = socket.authorizationError;
      app.log.debug({ reason, subject: peer.subject }, 'mtls: client certificate not verified');
    }
  });
  server.on('tlsClientError', (err) => app.log.debug({ err }, 'mtls handshake failed'));

  async function refresh(): Promise<void> {
    const pems = usablePems(await options.loadAuthorities());
    const next = createHash('sha256').update(pems.join('\n')).digest('hex');
    if (next === digest) return;
    server.setSecureContext(contextOptions(options.tls, pems));
    digest = next;
    count = pems.length;
    app.log.info({ authorities: count }, 'mtls listener: client CA list updated');
  }

  app.addHook('preClose', async () => {
    clearInterval(timer);
    if (!server.listening) return;
    const closed = once(server, 'close');
    server.close();
    server.closeIdleConnections();
    await closed;
  });

  return {
    server,
    get url() {
      return url;
    },
    get authorityCount() {
      return count;
    },
    async listen(port, host) {
      await refresh();
      server.listen(port, host);
      await once(server, 'listening');
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const fallback = new URL(options.mainPublicUrl);
      fallback.protocol = 'https:';
      fallback.port = String(actual);
      url = options.publicUrl ?? fallback.origin;
      timer = setInterval(
        () => {
          refresh().catch((err: unknown) => app.log.error({ err }, 'mtls: CA list reload failed'));
        },
        (options.refreshSeconds ?? 5) * 1000,
      );
      timer.unref();
      return url;
    },
    refresh,
    owns: (socket) => sockets.has(socket),
  };
}
