/**
 * "Log in with device certificate" goes to the mutual-TLS listener. The login page links to
 * `/t/{tenant}/login/certificate` on whichever listener served it; on the main listener, which
 * never asks for a certificate, that request is sent on (303) to the same path and query on
 * the mTLS listener's URL, where the browser is asked for one.
 *
 * - Not redirected: requests the mTLS listener accepted itself (no loop), and requests whose
 *   context already carries a certificate (a trusted proxy forwarded one in
 *   FORWARDED_CERT_HEADER): the idp route decides those where they are.
 * - The target is the configured URL plus a path of the fixed shape `/t/<slug>/login/
 *   certificate`, so this is no open redirect.
 */
import type { FastifyInstance } from 'fastify';
import type { MtlsListener } from './mtls-listener.ts';

const CERTIFICATE_LOGIN = /^\/t\/[A-Za-z0-9-]{1,63}\/login\/certificate(?:\?|$)/;

/** Adds the onRequest hook; register after the request-context plugin. */
export function redirectCertificateLogin(app: FastifyInstance, listener: MtlsListener): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || !CERTIFICATE_LOGIN.test(request.url)) return;
    if (listener.owns(request.raw.socket) || request.requestContext?.clientCertificate) return;
    if (!listener.url) return;
    return reply.redirect(`${listener.url}${request.url}`, 303);
  });
}
