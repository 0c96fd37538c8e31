/**
 * The Lock app API and admin API over HTTP, on the full app (real PostgreSQL and Redis of the
 * harness), with the test push service standing in for the phone's push service (it checks
 * VAPID and decrypts the payload, see lock-app/test-support/push-service.ts) and device keys
 * made by node:crypto as WebCrypto makes them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, openPlatform, type Platform, type User } from '@sekisho/platform';
import { createDatabaseOn } from '@sekisho/platform/test-support';
import { createLockService, signedString, type LockService } from '@sekisho/lock-app';
import {
  startTestPushService,
  type TestPushService,
} from '../../lock-app/test-support/push-service.ts';
import { buildApp } from '../src/app.ts';
import { FEATURE_MIGRATIONS } from '../src/migrations.ts';
import { seedTenant, type SeededTenant } from './support/test-app.ts';

function deviceKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    jwk: publicKey.export({ format: 'jwk' }),
    sign: (data: string) =>
      sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString(
        'base64url',
      ),
  };
}

describe('Lock over HTTP', () => {
  let app: FastifyInstance;
  let platform: Platform;
  let lock: LockService;
  let push: TestPushService;
  let seeded: SeededTenant;
  let dir: string;
  let drop: (() => Promise<void>) | undefined;
  let n = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sekisho-lock-api-'));
    const env: Record<string, string> = {
      DATA_DIR: dir,
      PORT: '0',
      SEKISHO_DEMO_TENANT: 'false',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'https://sekisho.example',
      REDIS_KEY_PREFIX: `lock-api-${process.pid}-${Date.now()}:`,
    };
    if (process.env.TEST_DATABASE_URL) {
      const db = await createDatabaseOn(process.env.TEST_DATABASE_URL);
      env.DATABASE_URL = db.url;
      drop = db.drop;
    }
    if (process.env.TEST_REDIS_URL) env.REDIS_URL = process.env.TEST_REDIS_URL;
    platform = await openPlatform(loadConfig(env), { migrations: FEATURE_MIGRATIONS });
    push = await startTestPushService();
    lock = createLockService({ platform, allowInsecurePushEndpoints: true, pushAgent: push.agent });
    app = await buildApp(platform, { logger: false, lock });
    await app.ready();
    seeded = await seedTenant(platform, 'acme');
  });
  after(async () => {
    await app.close();
    await platform.close();
    await push.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = (path: string, payload?: object) =>
    app.inject({
      method: payload ? 'POST' : 'GET',
      url: `/t/acme/lock/api/${path}`,
      ...(payload && { payload }),
    });
  const admin = (
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: object,
    token = seeded.token,
  ) =>
    app.inject({
      method,
      url: `/api/tenants/acme/${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload && { payload }),
    });

  async function enrolledPhone(): Promise<{
    user: User;
    deviceId: string;
    key: ReturnType<typeof deviceKey>;
    subId: string;
  }> {
    const user = await platform.users.create(seeded.tenant.id, {
      loginId: `u${++n}@acme.example`,
      displayName: 'U',
    });
    const { url } = await lock.createEnrollment(seeded.tenant.id, user.id);
    const key = deviceKey();
    const sub = push.createSubscription();
    const res = await api('enroll', {
      token: new URL(url).hash.slice('#enroll='.length),
      deviceName: 'Pixel',
      publicKey: key.jwk,
      subscription: sub.subscription,
      replace: false,
    });
    assert.equal(res.statusCode, 201, res.body);
    return { user, deviceId: res.json<{ deviceId: string }>().deviceId, key, subId: sub.id };
  }

  test('config gives the tenant VAPID public key the app subscribes with', async () => {
    const res = await api('config');
    assert.equal(res.statusCode, 200);
    const body = res.json<{ vapidPublicKey: string; tenantName: string }>();
    assert.equal(body.tenantName, 'Tenant acme');
    assert.equal(Buffer.from(body.vapidPublicKey, 'base64url').length, 65);
    assert.equal(
      (await api('config')).json<{ vapidPublicKey: string }>().vapidPublicKey,
      body.vapidPublicKey,
    );
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal((await app.inject({ url: '/t/nope-tenant/lock/api/config' })).statusCode, 404);
  });

  test('enroll: a used link is refused; a second device is confirmed with replace', async () => {
    const user = await platform.users.create(seeded.tenant.id, {
      loginId: 'enroll@acme.example',
      displayName: 'E',
    });
    const body = (token: string, replace = false) => ({
      token,
      deviceName: 'iPhone',
      publicKey: deviceKey().jwk,
      subscription: null,
      replace,
    });
    const first = await lock.createEnrollment(seeded.tenant.id, user.id);
    const token = new URL(first.url).hash.slice(8);
    const ok = await api('enroll', body(token));
    assert.equal(ok.statusCode, 201);
    assert.equal(ok.json<{ loginId: string }>().loginId, 'enroll@acme.example');
    const again = await api('enroll', body(token));
    assert.equal(again.statusCode, 400);
    assert.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(again.json<{ title: string }>().title, 'ERR_LOCK_ENROLLMENT_INVALID');
    const second = new URL((await lock.createEnrollment(seeded.tenant.id, user.id)).url).hash.slice(
      8,
    );
    const exists = await api('enroll', body(second));
    assert.equal(exists.statusCode, 409);
    assert.equal(exists.json<{ title: string }>().title, 'ERR_LOCK_DEVICE_EXISTS');
    assert.equal((await api('enroll', body(second, true))).statusCode, 201);
    const extra = await api('enroll', { ...body(second, true), admin: true });
    assert.equal(extra.statusCode, 400, 'unknown fields are refused');
  });

  test('pull, answer with the number, replay refused; the login consumes the approval', async () => {
    const p = await enrolledPhone();
    const started = await lock.startApproval({
      tenantId: seeded.tenant.id,
      userId: p.user.id,
      ip: '198.51.100.4',
      application: 'Slack',
    });
    const [msg] = await push.waitForMessages(p.subId, 1);
    assert.equal((msg?.payload as { approvalId?: string }).approvalId, started.id);
    const ts = Date.now();
    const pending = await api('pending', {
      deviceId: p.deviceId,
      ts,
      signature: p.key.sign(signedString.pending('acme', p.deviceId, ts)),
    });
    assert.equal(pending.statusCode, 200);
    assert.deepEqual(
      pending
        .json<{ approvals: { id: string; application: string; ip: string }[] }>()
        .approvals.map((a) => [a.id, a.application, a.ip]),
      [[started.id, 'Slack', '198.51.100.4']],
    );
    const answer = {
      deviceId: p.deviceId,
      approvalId: started.id,
      decision: 'approve',
      number: started.number,
      signature: p.key.sign(
        signedString.answer('acme', p.deviceId, started.id, 'approve', started.number),
      ),
    };
    const waiting = lock.waitForApproval(seeded.tenant.id, started.id, 5000);
    const res = await api('answer', answer);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { state: 'approved' });
    assert.deepEqual(await waiting, { state: 'approved' });
    const replay = await api('answer', answer);
    assert.equal(replay.statusCode, 409);
    assert.equal(replay.json<{ title: string }>().title, 'ERR_LOCK_ANSWER_USED');
    assert.equal(await lock.consumeApproval(seeded.tenant.id, started.id, p.user.id), true);
  });

  test('a forged signature is 401 and a report denies the request', async () => {
    const p = await enrolledPhone();
    const started = await lock.startApproval({
      tenantId: seeded.tenant.id,
      userId: p.user.id,
      ip: '198.51.100.5',
    });
    const forged = await api('answer', {
      deviceId: p.deviceId,
      approvalId: started.id,
      decision: 'approve',
      number: started.number,
      signature: deviceKey().sign(
        signedString.answer('acme', p.deviceId, started.id, 'approve', started.number),
      ),
    });
    assert.equal(forged.statusCode, 401);
    assert.equal(forged.json<{ title: string }>().title, 'ERR_LOCK_SIGNATURE_INVALID');
    const report = await api('report', {
      deviceId: p.deviceId,
      approvalId: started.id,
      signature: p.key.sign(signedString.report('acme', p.deviceId, started.id)),
    });
    assert.equal(report.statusCode, 200);
    assert.deepEqual(report.json(), { state: 'denied', suspended: false });
    assert.deepEqual(await lock.approvalStatus(seeded.tenant.id, started.id), {
      state: 'denied',
      reason: 'reported',
    });
  });

  test('admin API: settings, emergency codes, device removal, audited and access-checked', async () => {
    const p = await enrolledPhone();
    assert.deepEqual((await admin('GET', 'lock-settings')).json(), {
      lockOnReport: false,
      emailOtpAllowed: false,
      approvalTtlSeconds: 60,
      emergencyCodeHours: 24,
    });
    const put = await admin('PUT', 'lock-settings', { lockOnReport: true, approvalTtlSeconds: 90 });
    assert.equal(put.statusCode, 200);
    assert.equal(put.json<{ approvalTtlSeconds: number }>().approvalTtlSeconds, 90);
    assert.equal((await admin('PUT', 'lock-settings', { approvalTtlSeconds: 5 })).statusCode, 400);
    const { token: readOnly } = await platform.tokens.create({
      tenantId: seeded.tenant.id,
      name: 'ro',
      role: 'read_only_admin',
    });
    assert.equal((await admin('GET', 'lock-settings', undefined, readOnly)).statusCode, 200);
    assert.equal(
      (await admin('PUT', 'lock-settings', { lockOnReport: false }, readOnly)).statusCode,
      403,
    );

    const issued = await admin('POST', `users/${p.user.id}/emergency-codes`, { count: 2 });
    assert.equal(issued.statusCode, 201);
    assert.equal(issued.headers['cache-control'], 'no-store');
    const { codes } = issued.json<{ codes: string[] }>();
    assert.equal(codes.length, 2);
    assert.equal(await lock.verifyEmergencyCode(seeded.tenant.id, p.user.id, codes[0] ?? ''), true);

    assert.equal((await admin('DELETE', `users/${p.user.id}/totp`)).statusCode, 404);
    assert.equal((await admin('DELETE', `users/${p.user.id}/lock-device`)).statusCode, 204);
    assert.equal((await admin('DELETE', `users/${p.user.id}/lock-device`)).statusCode, 404);
    assert.equal(await lock.device(seeded.tenant.id, p.user.id), undefined);
    const audit = await platform.audit.search(seeded.tenant.id, { action: 'lock.' });
    const actions = audit.map((a) => a.action);
    for (const a of ['lock.settings.update', 'lock.emergency-codes.issue', 'lock.device.remove'])
      assert.ok(actions.includes(a), a);
    assert.ok(!JSON.stringify(audit).includes(codes[1] ?? 'x'), 'codes are not in the audit log');
    await admin('PUT', 'lock-settings', { lockOnReport: false, approvalTtlSeconds: 60 });
  });

  test('the PWA is served under the tenant path with a strict CSP, nothing outside web/', async () => {
    const index = await app.inject({ url: '/t/acme/lock/' });
    assert.equal(index.statusCode, 200);
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);
    assert.equal((await app.inject({ url: '/t/acme/lock' })).headers.location, '/t/acme/lock/');
    const sw = await app.inject({ url: '/t/acme/lock/sw.js' });
    assert.equal(sw.statusCode, 200);
    assert.equal(sw.headers['content-type'], 'text/javascript; charset=utf-8');
    const manifest = await app.inject({ url: '/t/acme/lock/manifest.webmanifest' });
    assert.equal(manifest.headers['content-type'], 'application/manifest+json; charset=utf-8');
    const m = manifest.json<{ name: string; start_url: string; scope: string }>();
    assert.deepEqual(
      [m.name, m.start_url, m.scope],
      ['Sekisho Lock', '/t/acme/lock/', '/t/acme/lock/'],
    );
    for (const url of [
      '/t/acme/lock/../../package.json',
      '/t/acme/lock/%2e%2e/src/index.ts',
      '/t/acme/lock/..%2f..%2fpackage.json',
      '/t/acme/lock/.hidden.js',
      '/t/acme/lock/missing.js',
      '/t/nope-tenant/lock/',
      '/t/acme/lock/app.ts',
    ])
      assert.equal((await app.inject({ url })).statusCode, 404, url);
  });
  // Last: it uses up this address's budget for the tenant.
  test('more than 120 app API calls a minute from one address are refused', async () => {
    const statuses = [];
    for (let i = 0; i < 125; i++) statuses.push((await api('config')).statusCode);
    assert.ok(statuses.includes(200));
    const refused = await api('config');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json<{ title: string }>().title, 'ERR_LOCK_RATE_LIMITED');
  });
});
