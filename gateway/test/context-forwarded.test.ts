/**
 * The request-context plugin in RFC 7239 `Forwarded` mode (TRUSTED_PROXY_HEADER=forwarded),
 * on a real fastify listening on `::`, with clients binding 127.0.0.1, 127.0.0.2 and ::1.
 * (The composed app, X-Forwarded-For mode, is exercised in context.test.ts.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { ConfigError, systemClock } from '@sekisho/platform';
import { requestContext } from '../src/context/request-context-plugin.ts';

describe('request context behind RFC 7239 Forwarded proxies', () => {
  let app: FastifyInstance;
  let port: number;

  before(async () => {
    app = Fastify();
    await app.register(requestContext, {
      trustedProxies: ['127.0.0.2', '::1'],
      proxyHeader: 'forwarded',
      clock: systemClock,
    });
    app.get('/ip', async (request) => ({ ip: request.ip, ...request.requestContext }));
    await app.listen({ port: 0, host: '::' });
    port = (app.server.address() as AddressInfo).port;
  });
  after(() => app.close());

  /** The context seen for a request from `from` (an IPv4 loopback address or ::1). */
  function seen(from: string, headers: Record<string, string>) {
    const host = from === '::1' ? '::1' : '127.0.0.1';
    const localAddress = from === '::1' ? undefined : from;
    return new Promise<{ ip: string; ipSource: string; peerIp: string }>((resolve, reject) => {
      http
        .get({ host, port, path: '/ip', localAddress, headers, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => {
            const s = JSON.parse(body) as { ip: string; ipSource: string; peerIp: string };
            assert.equal(s.peerIp, from);
            resolve(s);
          });
        })
        .on('error', reject);
    });
  }

  test('for= with a quoted IPv6 address and port is honoured from a trusted IPv6 peer', async () => {
    const s = await seen('::1', { forwarded: 'for="[2001:DB8::1]:4711";proto=https' });
    assert.deepEqual([s.ip, s.ipSource], ['2001:db8::1', 'forwarded']);
  });

  test('the right-most untrusted for= wins; X-Forwarded-For is then ignored', async () => {
    const forwarded = 'for=198.51.100.1, for=203.0.113.8;by=x, For=127.0.0.2';
    const both = await seen('127.0.0.2', { forwarded, 'x-forwarded-for': '192.0.2.99' });
    assert.deepEqual([both.ip, both.ipSource], ['203.0.113.8', 'forwarded']);
    const xffOnly = await seen('127.0.0.2', { 'x-forwarded-for': '192.0.2.99' });
    assert.deepEqual([xffOnly.ip, xffOnly.ipSource], ['127.0.0.2', 'socket']);
  });

  test('unknown, obfuscated or malformed for= falls back to the peer', async () => {
    const bad = ['for=unknown', 'for="_hidden"', 'by=127.0.0.1', 'for=1.2.3.4;for=5.6.7.8', 'for='];
    for (const forwarded of bad) {
      const s = await seen('127.0.0.2', { forwarded });
      assert.deepEqual([s.ip, s.ipSource], ['127.0.0.2', 'socket'], forwarded);
    }
  });

  test('Forwarded from an untrusted peer is never read', async () => {
    const s = await seen('127.0.0.1', { forwarded: 'for=203.0.113.8' });
    assert.deepEqual([s.ip, s.ipSource], ['127.0.0.1', 'socket']);
  });
});

test('a trusted-proxy block with host bits set fails the start, naming TRUSTED_PROXIES', async () => {
  const app = Fastify();
  const options = {
    trustedProxies: ['10.0.0.1/8'],
    proxyHeader: 'forwarded' as const,
    clock: systemClock,
  };
  await assert.rejects(
    async () => {
      await app.register(requestContext, options);
      await app.ready();
    },
    (err: unknown) =>
      err instanceof ConfigError &&
      err.problems[0]?.key === 'TRUSTED_PROXIES' &&
      /the block is 10\.0\.0\.0\/8/.test(err.message),
  );
  await app.close();
});
