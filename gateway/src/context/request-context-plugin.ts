/**
 * The request-context plugin: decorates every request of the app with its frozen
 * `RequestContext`, built in the first root `onRequest` hook (register it before any other
 * hook reads the client), and makes `request.ip` the same address.
 *
 * - fastify's `trustProxy` is not used: proxy-addr reads only X-Forwarded-For, returns a
 *   malformed hop as the address, and keeps IPv4-mapped forms. Instead `request.ip` is
 *   overridden per request with `requestContext.ip`, so code that reads `request.ip`
 *   (login throttling, audit origins, the OIDC canonical request) sees the one address the
 *   policy engine sees.
 * - Trusted proxies are compiled once at registration; a bad range fails the start.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ConfigError, SekishoError, ValidationError, type Clock } from '@sekisho/platform';
import { compileIpRanges, type IpMatcher } from '../policy/ip-set/index.ts';
import type { ProxyHeader } from './forwarded-chain.ts';
import { buildRequestContext, type RequestContext } from './request-context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the request-context plugin in `onRequest`; null only before that hook. */
    requestContext: RequestContext | null;
  }
}

export interface RequestContextOptions {
  /** TRUSTED_PROXIES: addresses and CIDR blocks whose forwarded headers are honoured. */
  trustedProxies: readonly string[];
  /** TRUSTED_PROXY_HEADER: the one header those proxies write the client address into. */
  proxyHeader: ProxyHeader;
  /** FORWARDED_CERT_HEADER: where those proxies put the client certificate, if they do. */
  forwardedCertHeader?: string | undefined;
  clock: Clock;
}

function compileTrustedProxies(ranges: readonly string[]): IpMatcher {
  try {
    return compileIpRanges(ranges);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const expected = err.problems.map((p) => p.message).join('; ');
    throw new ConfigError([
      { key: 'TRUSTED_PROXIES', source: 'configuration', expected: `valid ranges (${expected})` },
    ]);
  }
}

async function requestContextPlugin(app: FastifyInstance, options: RequestContextOptions) {
  const settings = {
    trustedProxies: compileTrustedProxies(options.trustedProxies),
    proxyHeader: options.proxyHeader,
    forwardedCertHeader: options.forwardedCertHeader?.toLowerCase(),
    clock: options.clock,
  };
  app.decorateRequest('requestContext', null);
  app.addHook('onRequest', async (request) => {
    const context = buildRequestContext(request.raw, settings);
    request.requestContext = context;
    Object.defineProperty(request, 'ip', { value: context.ip, enumerable: true });
  });
}

/** The request-context plugin (`sekisho-request-context`); register it first in buildApp. */
export const requestContext = fp(requestContextPlugin, {
  name: 'sekisho-request-context',
  fastify: '5.x',
});

/** The context of a request; throws (a 500, so a deny) if the plugin did not run. */
export function requestContextOf(request: FastifyRequest): RequestContext {
  if (!request.requestContext) {
    throw new SekishoError('ERR_INTERNAL', 'request context missing', {
      detail: 'the request-context plugin is not registered on this app',
    });
  }
  return request.requestContext;
}
