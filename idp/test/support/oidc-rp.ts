/**
 * Test plumbing for OIDC: openid-client (an independent, certified RP library) talks to the
 * in-process app through `inject`, so no TLS or network is involved; a TestBrowser follows
 * the front-channel redirects until they leave Sekisho for the RP's redirect URI.
 */
import type { FastifyInstance } from 'fastify';
import * as client from 'openid-client';
import type { TestBrowser } from '../../../gateway/test/support/browser.ts';

export const PUBLIC = 'https://sekisho.test';

export function injectFetch(app: FastifyInstance) {
  return async (
    url: string,
    options: { method?: string; headers?: Record<string, string> | Headers; body?: unknown },
  ) => {
    const u = new URL(url);
    if (u.origin !== PUBLIC) throw new Error(`test fetch to a foreign origin ${u.origin}`);
    const headers: Record<string, string> = {};
    if (options.headers instanceof Headers) options.headers.forEach((v, k) => (headers[k] = v));
    else Object.assign(headers, options.headers ?? {});
    const res = await app.inject({
      method: (options.method ?? 'GET') as 'GET',
      url: u.pathname + u.search,
      headers,
      payload: options.body === undefined ? undefined : String(options.body),
    });
    return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers: res.headers as Record<string, string>,
    });
  };
}

export async function discover(
  app: FastifyInstance,
  tenant: string,
  clientId: string,
  secret?: string,
): Promise<client.Configuration> {
  const auth = secret ? client.ClientSecretBasic(secret) : client.None();
  const config = await client.discovery(
    new URL(`${PUBLIC}/t/${tenant}`),
    clientId,
    undefined,
    auth,
    { [client.customFetch]: injectFetch(app) as never },
  );
  config[client.customFetch] = injectFetch(app) as never;
  return config;
}

/** Follows redirects inside Sekisho; returns the first URL that leaves it (or the last page). */
export async function follow(
  browser: TestBrowser,
  start: string,
  max = 15,
): Promise<{ url: string; status: number; body: string }> {
  let url = start;
  for (let i = 0; i < max; i++) {
    const path = url.startsWith(PUBLIC) ? url.slice(PUBLIC.length) : url;
    if (!path.startsWith('/')) return { url, status: 0, body: '' };
    const res = await browser.get(path);
    if (res.statusCode < 300 || res.statusCode >= 400 || !res.headers.location)
      return { url: path, status: res.statusCode, body: res.body };
    url = String(res.headers.location);
  }
  throw new Error('too many redirects');
}
