import type { FastifyRequest } from 'fastify';

export const CLIENT_IP_HEADER = 'x-sekisho-client-ip';

/**
 * The provider derives its URLs from the request: make it see the public origin and the
 * client address the gateway computed, whatever the client sent in these headers.
 */
export function canonicalizeForProvider(request: FastifyRequest, publicUrl: string): void {
  const pub = new URL(publicUrl);
  const h = request.raw.headers;
  delete h.forwarded;
  h['x-forwarded-proto'] = pub.protocol.slice(0, -1);
  h['x-forwarded-host'] = pub.host;
  h['x-forwarded-for'] = request.ip;
  h[CLIENT_IP_HEADER] = request.ip;
}
