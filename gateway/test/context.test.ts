/**
 * The request context from real source addresses: the app listens on `::` (dual stack) and
 * clients bind 127.0.0.1, 127.0.0.2 or ::1; two real forwarding proxies chain in front of it.
 * A test-only route, added here before the app boots, shows what the app saw. The RFC 7239
 * `Forwarded` mode is in context-forwarded.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, loadConfig, openPlatform } from '@sekisho/platform';
import { createDatabaseOn } from '@sekisho/platform/test-support';
import { buildApp } from '../src/app.ts';
import { FEATURE_MIGRATIONS } from '../src/migrations.ts';
import { compileIpSets, validateIpSet } from '../src/policy/ip-set/index.ts';
import { seedTenant } from './support/test-app.ts';

const clock = new ManualClock(new Date('2026-09-01T09:00:00Z'));
const office = compileIpSets([
  validateIpSet({ identifier: 'office', name: 'Office', entries: ['127.0.0.2', '::1'] }),
]).get('office');

/** What the test route answers: `request.ip`, the context (as JSON) and an IP set lookup. */
type Seen = { ip: string; office: boolean; context: Record<string, unknown> };

async function startApp(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-context-'));
  const db = process.env.TEST_DATABASE_URL
    ? await createDatabaseOn(process.env.TEST_DATABASE_URL)
    : undefined;
  const config = loadConfig({
    DATA_DIR: dataDir,
    SEKISHO_DEMO_TENANT: 'false',
    LOG_LEVEL: 'silent',
    ...(db && { DATABASE_URL: db.url }),
    ...env,
  });
  const platform = await openPlatform(config, { migrations: FEATURE_MIGRATIONS, clock });
  const app = await buildApp(platform, { logger: false });
  app.get('/test/context', async (request) => {
    const context = request.requestContext;
    return { ip: request.ip, context, office: context ? office?.contains(context.ip) : undefined };
  });
  await app.listen({ port: 0, host: '::' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    platform,
    port,
    async close() {
      await app.close();
      await platform.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Call {
  host?: string;
  from?: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

function call(port: number, c: Call = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: c.host ?? '127.0.0.1',
        port,
        localAddress: c.from,
        method: c.method ?? 'GET',
        path: c.path ?? '/test/context',
        headers: c.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(c.body);
  });
}

async function seen(port: number, c: Call = {}): Promise<Seen> {
  const res = await call(port, c);
  assert.equal(res.status, 200, res.body);
  const s = JSON.parse(res.body) as Seen;
  assert.equal(s.ip, s.context.ip, 'request.ip is the context IP');
  assert.equal(s.context.peerIp, c.host === '::1' ? '::1' : (c.from ?? '127.0.0.1'));
  return s;
}

/** A forwarding proxy like nginx's `proxy_add_x_forwarded_for`, connecting out from `from`. */
async function startProxy(targetPort: number, from: string) {
  const server = http.createServer((req, res) => {
    const prior = req.headers['x-forwarded-for'];
    const hop = req.socket.remoteAddress ?? '';
    const headers = { ...req.headers, 'x-forwarded-for': prior ? `${prior}, ${hop}` : hop };
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: targetPort,
        localAddress: from,
        method: req.method,
        path: req.url,
        headers,
        agent: false,
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('request context behind X-Forwarded-For proxies', () => {
  let t: Awaited<ReturnType<typeof startApp>>;
  before(async () => {
    t = await startApp({
      TRUSTED_PROXIES: '127.0.0.2,127.0.0.3',
      FORWARDED_CERT_HEADER: 'X-Client-Cert',
    });
  });
  after(() => t.close());

  test('real source addresses 127.0.0.1, 127.0.0.2 and ::1 are seen as such', async () => {
    const a = await seen(t.port, { from: '127.0.0.1' });
    const b = await seen(t.port, { from: '127.0.0.2' });
    const c = await seen(t.port, { host: '::1' });
    assert.deepEqual([a.ip, b.ip, c.ip], ['127.0.0.1', '127.0.0.2', '::1']);
    assert.ok([a, b, c].every((s) => s.context.ipSource === 'socket'));
    assert.deepEqual(
      [a.office, b.office, c.office],
      [false, true, true],
      'an IP set tells them apart',
    );
  });

  test('a spoofed X-Forwarded-For or Forwarded from an untrusted peer is ignored', async () => {
    const headers = { 'x-forwarded-for': '127.0.0.2', forwarded: 'for=127.0.0.2' };
    const s = await seen(t.port, { from: '127.0.0.1', headers });
    assert.deepEqual([s.ip, s.context.ipSource, s.office], ['127.0.0.1', 'socket', false]);
    const v6 = await seen(t.port, { host: '::1', headers: { 'x-forwarded-for': '198.51.100.1' } });
    assert.equal(v6.ip, '::1');
  });

  test('the same header from a trusted proxy is honoured, right-most untrusted address first', async () => {
    const xff = (value: string) => ({ from: '127.0.0.2', headers: { 'x-forwarded-for': value } });
    const s = await seen(t.port, xff('127.0.0.2, 203.0.113.7'));
    assert.deepEqual([s.ip, s.context.ipSource], ['203.0.113.7', 'forwarded']);
    assert.equal(
      (await seen(t.port, xff('198.51.100.9, 203.0.113.7, 127.0.0.3'))).ip,
      '203.0.113.7',
    );
  });

  test('through two real trusted proxies, a client-supplied hop is not believed', async () => {
    const inner = await startProxy(t.port, '127.0.0.2');
    const outer = await startProxy(inner.port, '127.0.0.3');
    try {
      const headers = { 'x-forwarded-for': '127.0.0.2' };
      const res = await call(outer.port, { from: '127.0.0.1', headers });
      const s = JSON.parse(res.body) as Seen;
      assert.partialDeepStrictEqual(s, {
        ip: '127.0.0.1',
        context: { ip: '127.0.0.1', ipSource: 'forwarded', peerIp: '127.0.0.2' },
      });
    } finally {
      await outer.close();
      await inner.close();
    }
  });

  test('a malformed header from a trusted proxy falls back to the peer address', async () => {
    for (const xff of ['203.0.113.7, bogus', 'unknown', '203.0.113.7,', '203.0.113.300']) {
      const s = await seen(t.port, { from: '127.0.0.2', headers: { 'x-forwarded-for': xff } });
      assert.deepEqual([s.ip, s.context.ipSource], ['127.0.0.2', 'socket'], xff);
    }
  });

  test('user agent, device class and time are in the context', async () => {
    const ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148';
    const s = await seen(t.port, { headers: { 'user-agent': ua } });
    const at = clock.now().toISOString();
    assert.partialDeepStrictEqual(s.context, { userAgent: ua, device: 'mobile', at });
  });

  test('a forwarded client certificate counts only from a trusted proxy', async () => {
    const subj = ['-subj', '/CN=device-7', '-days', '1', '-keyout', '/dev/null', '-out', '-'];
    const pem = execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', ...subj],
      { stdio: 'pipe' },
    ).toString();
    const headers = { 'x-client-cert': encodeURIComponent(pem) };
    const viaProxy = await seen(t.port, { from: '127.0.0.2', headers });
    const clientCertificate = { source: 'forwarded', subject: 'CN=device-7' };
    assert.partialDeepStrictEqual(viaProxy.context, { clientCertificate });
    const direct = await seen(t.port, { from: '127.0.0.1', headers });
    assert.equal(direct.context.clientCertificate, undefined);
  });

  test('the audit log records the same client address as the context', async () => {
    const seeded = await seedTenant(t.platform, 'ctx');
    const res = await call(t.port, {
      from: '127.0.0.2',
      method: 'POST',
      path: '/api/tenants/ctx/groups',
      headers: {
        authorization: `Bearer ${seeded.token}`,
        'content-type': 'application/json',
        'x-forwarded-for': '203.0.113.50',
      },
      body: JSON.stringify({ name: 'via-proxy' }),
    });
    assert.equal(res.status, 201, res.body);
    const [event] = await t.platform.audit.search(seeded.tenant.id, { action: 'group.create' });
    assert.equal(event?.ip, '203.0.113.50');
  });
});
