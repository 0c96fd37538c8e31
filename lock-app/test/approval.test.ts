/**
 * Lock push approval end to end at the service level, with the real PostgreSQL and Redis of
 * the harness and the test push service (RFC 8030 receiving side, RFC 8292 VAPID check,
 * RFC 8291 decryption): enrollment, the push, number matching, single use, expiry, device
 * keys, fatigue limits, "this wasn't me", a gone subscription, the app's pull, and two
 * gateway nodes sharing one Redis.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tenant, User } from '@sekisho/platform';
import { createLockService, signedString, type LockService } from '../src/index.ts';
import { deviceKey, startHarness, tokenOf, type DeviceKey, type Harness } from './support.ts';

describe('Lock approval', () => {
  let h: Harness;
  let tenant: Tenant;
  let admin: User;
  let n = 0;
  before(async () => {
    h = await startHarness();
    tenant = await h.tenant('acme');
    admin = await h.user(tenant, 'admin@acme.example');
    await h.platform.admins.grant(tenant.id, admin.id, 'global_admin');
  });
  after(() => h.close());

  interface Phone {
    user: User;
    key: DeviceKey;
    deviceId: string;
    subId: string;
    answer(
      approvalId: string,
      decision: 'approve' | 'deny',
      number: string,
      lock?: LockService,
    ): ReturnType<LockService['answer']>;
  }

  async function phone(options: { push?: boolean } = {}): Promise<Phone> {
    const user = await h.user(tenant, `user${++n}@acme.example`);
    const key = deviceKey();
    const sub = h.push.createSubscription({
      applicationServerKey: (await h.lock.appConfig(tenant)).vapidPublicKey,
    });
    const { url } = await h.lock.createEnrollment(tenant.id, user.id);
    const { deviceId } = await h.lock.enroll(tenant, {
      token: tokenOf(url),
      deviceName: 'Pixel 9',
      publicKey: key.publicJwk,
      subscription: options.push === false ? null : sub.subscription,
    });
    const answer = (
      approvalId: string,
      decision: 'approve' | 'deny',
      number: string,
      lock = h.lock,
    ) =>
      lock.answer(tenant, {
        deviceId,
        approvalId,
        decision,
        number,
        signature: key.sign(
          signedString.answer(tenant.slug, deviceId, approvalId, decision, number),
        ),
      });
    return { user, key, deviceId, subId: sub.id, answer };
  }

  const start = (user: User) =>
    h.lock.startApproval({
      tenantId: tenant.id,
      userId: user.id,
      ip: '203.0.113.7',
      application: 'Google Workspace',
    });

  test('pushes an encrypted request naming application, IP and time, never the number', async () => {
    const p = await phone();
    const started = await start(p.user);
    assert.match(started.number, /^\d{2}$/);
    assert.equal(started.expiresAt.getTime() - h.clock.now().getTime(), 60_000);
    const [msg] = await h.push.waitForMessages(p.subId, 1);
    assert.ok(msg);
    assert.deepEqual(msg.payload, {
      type: 'approval',
      approvalId: started.id,
      application: 'Google Workspace',
      ip: '203.0.113.7',
      at: h.clock.now().toISOString(),
      expiresAt: started.expiresAt.toISOString(),
      tenant: 'acme',
    });
    assert.equal(msg.headers.urgency, 'high');
    assert.equal(msg.headers.ttl, 60);
    assert.equal(msg.vapid.aud, h.push.origin);
    assert.equal(msg.vapid.sub, 'https://sekisho.example');
    assert.deepEqual(h.push.rejections, []);
  });

  test('the right number approves; the login waits, then consumes the approval once', async () => {
    const p = await phone();
    const { id, number } = await start(p.user);
    const waiting = h.lock.waitForApproval(tenant.id, id, 10_000);
    assert.deepEqual(await h.lock.approvalStatus(tenant.id, id), {
      state: 'pending',
      expiresAt: new Date(h.clock.now().getTime() + 60_000),
    });
    assert.deepEqual(await p.answer(id, 'approve', number), { state: 'approved' });
    assert.deepEqual(await waiting, { state: 'approved' });
    const other = await phone();
    assert.equal(await h.lock.consumeApproval(tenant.id, id, other.user.id), false, 'another user');
    assert.equal(await h.lock.consumeApproval(tenant.id, id, p.user.id), true);
    assert.equal(await h.lock.consumeApproval(tenant.id, id, p.user.id), false);
    assert.deepEqual(await h.lock.approvalStatus(tenant.id, id), { state: 'consumed' });
    const device = await h.lock.device(tenant.id, p.user.id);
    assert.equal(device?.name, 'Pixel 9');
    assert.ok(device?.lastUsedAt);
  });

  test('a wrong number denies the approval', async () => {
    const p = await phone();
    const { id, number } = await start(p.user);
    const wrong = number === '42' ? '24' : '42';
    assert.deepEqual(await p.answer(id, 'approve', wrong), {
      state: 'denied',
      reason: 'wrong-number',
    });
    assert.deepEqual(await h.lock.approvalStatus(tenant.id, id), {
      state: 'denied',
      reason: 'wrong-number',
    });
    assert.equal(await h.lock.consumeApproval(tenant.id, id, p.user.id), false);
  });

  test('a denied request stays denied', async () => {
    const p = await phone();
    const { id } = await start(p.user);
    assert.deepEqual(await p.answer(id, 'deny', ''), { state: 'denied', reason: 'user-denied' });
    assert.deepEqual(await h.lock.waitForApproval(tenant.id, id, 1000), {
      state: 'denied',
      reason: 'user-denied',
    });
  });

  test('a replayed answer is refused as already used', async () => {
    const p = await phone();
    const { id, number } = await start(p.user);
    const signature = p.key.sign(signedString.answer('acme', p.deviceId, id, 'approve', number));
    const input = {
      deviceId: p.deviceId,
      approvalId: id,
      decision: 'approve' as const,
      number,
      signature,
    };
    assert.deepEqual(await h.lock.answer(tenant, input), { state: 'approved' });
    await assert.rejects(h.lock.answer(tenant, input), {
      code: 'ERR_LOCK_ANSWER_USED',
      status: 409,
    });
  });

  test('two nodes racing with one answer: exactly one accepts it', async () => {
    const p = await phone();
    const node2 = await h.secondNode();
    const { id, number } = await start(p.user);
    const results = await Promise.allSettled([
      p.answer(id, 'approve', number),
      p.answer(id, 'approve', number, node2.lock),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected');
    assert.equal((failed?.reason as { code?: string }).code, 'ERR_LOCK_ANSWER_USED');
  });

  test('an answer after expiry is refused and the login sees expired', async () => {
    const p = await phone();
    const { id, number } = await start(p.user);
    h.clock.advance(60_000);
    await assert.rejects(p.answer(id, 'approve', number), {
      code: 'ERR_LOCK_APPROVAL_EXPIRED',
      status: 410,
    });
    assert.deepEqual(await h.lock.approvalStatus(tenant.id, id), { state: 'expired' });
    assert.deepEqual(await h.lock.waitForApproval(tenant.id, id, 1000), { state: 'expired' });
    assert.equal(await h.lock.consumeApproval(tenant.id, id, p.user.id), false);
  });

  test("a signature by another key, or by another user's device, is refused", async () => {
    const p = await phone();
    const mallory = await phone();
    const { id, number } = await start(p.user);
    const forged = deviceKey().sign(signedString.answer('acme', p.deviceId, id, 'approve', number));
    await assert.rejects(
      h.lock.answer(tenant, {
        deviceId: p.deviceId,
        approvalId: id,
        decision: 'approve',
        number,
        signature: forged,
      }),
      { code: 'ERR_LOCK_SIGNATURE_INVALID' },
    );
    await assert.rejects(mallory.answer(id, 'approve', number), { code: 'ERR_FORBIDDEN' });
    const otherTenant = await h.tenant('other');
    await assert.rejects(
      h.lock.answer(
        { id: otherTenant.id, slug: 'other', name: 'x' },
        {
          deviceId: p.deviceId,
          approvalId: id,
          decision: 'approve',
          number,
          signature: p.key.sign(signedString.answer('other', p.deviceId, id, 'approve', number)),
        },
      ),
      { code: 'ERR_LOCK_DEVICE_UNKNOWN' },
    );
    assert.equal((await h.lock.approvalStatus(tenant.id, id)).state, 'pending', 'nothing changed');
    assert.deepEqual(await p.answer(id, 'approve', number), { state: 'approved' });
  });

  test('more than five requests in ten minutes are refused', async () => {
    const p = await phone();
    for (let i = 0; i < 5; i++) await start(p.user);
    await assert.rejects(start(p.user), { code: 'ERR_LOCK_RATE_LIMITED', status: 429 });
    assert.equal(h.push.messages(p.subId).length, 5);
  });

  test('three denials refuse new requests automatically and tell the admins', async () => {
    const p = await phone();
    for (let i = 0; i < 3; i++) {
      const { id } = await start(p.user);
      await p.answer(id, 'deny', '');
    }
    await assert.rejects(start(p.user), { code: 'ERR_LOCK_AUTO_REFUSED' });
    const mail = h
      .outbox()
      .find((m) => m.includes(p.user.loginId) && m.includes('admin@acme.example'));
    assert.ok(mail, 'an alert went to the admin');
    const audit = await h.platform.audit.search(tenant.id, { action: 'lock.auto-refusal' });
    assert.equal(audit.length, 1);
  });

  test('"this wasn\'t me" denies, alerts the admins and suspends when the tenant says so', async () => {
    await h.lock.updateSettings(tenant.id, { lockOnReport: true });
    try {
      const p = await phone();
      const { id } = await start(p.user);
      const waiting = h.lock.waitForApproval(tenant.id, id, 10_000);
      const signature = p.key.sign(signedString.report('acme', p.deviceId, id));
      assert.deepEqual(
        await h.lock.report(tenant, { deviceId: p.deviceId, approvalId: id, signature }),
        { state: 'denied', suspended: true },
      );
      assert.deepEqual(await waiting, { state: 'denied', reason: 'reported' });
      assert.equal((await h.platform.users.get(tenant.id, p.user.id))?.status, 'suspended');
      const audit = await h.platform.audit.search(tenant.id, { action: 'lock.report' });
      assert.equal(audit.at(0)?.target_id, id);
      const mails = h
        .outbox()
        .filter((m) => m.includes(p.user.loginId) && m.includes('203.0.113.7'));
      assert.equal(mails.length, 1);
    } finally {
      await h.lock.updateSettings(tenant.id, { lockOnReport: false });
    }
  });

  test('a report without lockOnReport leaves the account active', async () => {
    const p = await phone();
    const { id } = await start(p.user);
    const signature = p.key.sign(signedString.report('acme', p.deviceId, id));
    assert.deepEqual(
      await h.lock.report(tenant, { deviceId: p.deviceId, approvalId: id, signature }),
      { state: 'denied', suspended: false },
    );
    assert.equal((await h.platform.users.get(tenant.id, p.user.id))?.status, 'active');
  });

  test('a push service answering 410 removes the subscription; the app still pulls', async () => {
    const p = await phone();
    h.push.answerWith(p.subId, 410);
    const first = await start(p.user);
    const audit = await h.platform.audit.search(tenant.id, { action: 'lock.push' });
    assert.equal(audit.at(0)?.reason, 'subscription-gone');
    const row = await h.platform.store.db
      .selectFrom('lock_devices' as never)
      .select('push_subscription' as never)
      .where('id' as never, '=', p.deviceId as never)
      .executeTakeFirst();
    assert.deepEqual(row, { push_subscription: null });
    const ts = h.clock.now().getTime();
    const pending = await h.lock.pending(tenant, {
      deviceId: p.deviceId,
      ts,
      signature: p.key.sign(signedString.pending('acme', p.deviceId, ts)),
    });
    assert.deepEqual(pending, [
      {
        id: first.id,
        application: 'Google Workspace',
        ip: '203.0.113.7',
        at: h.clock.now(),
        expiresAt: first.expiresAt,
      },
    ]);
    assert.deepEqual(await p.answer(first.id, 'approve', first.number), { state: 'approved' });
  });

  test('the pull lists only pending requests of this device, with a fresh signature', async () => {
    const p = await phone({ push: false });
    const a = await start(p.user);
    const b = await start(p.user);
    await p.answer(a.id, 'deny', '');
    const ts = h.clock.now().getTime();
    const sig = p.key.sign(signedString.pending('acme', p.deviceId, ts));
    const pending = await h.lock.pending(tenant, { deviceId: p.deviceId, ts, signature: sig });
    assert.deepEqual(
      pending.map((x) => x.id),
      [b.id],
    );
    const old = ts - 61_000;
    await assert.rejects(
      h.lock.pending(tenant, {
        deviceId: p.deviceId,
        ts: old,
        signature: p.key.sign(signedString.pending('acme', p.deviceId, old)),
      }),
      { code: 'ERR_LOCK_SIGNATURE_INVALID' },
    );
  });

  test('the login waiting on one node continues when the answer lands on another', async () => {
    const p = await phone();
    const node2 = await h.secondNode();
    const { id, number } = await start(p.user);
    const waiting = node2.lock.waitForApproval(tenant.id, id, 10_000);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await p.answer(id, 'approve', number), { state: 'approved' });
    assert.deepEqual(await waiting, { state: 'approved' });
    assert.equal(await node2.lock.consumeApproval(tenant.id, id, p.user.id), true);
  });

  test('waiting ends after the timeout with the approval still pending', async () => {
    const p = await phone();
    const { id } = await start(p.user);
    const state = await h.lock.waitForApproval(tenant.id, id, 100);
    assert.equal(state.state, 'pending');
    const aborted = new AbortController();
    const waiting = h.lock.waitForApproval(tenant.id, id, 10_000, aborted.signal);
    aborted.abort();
    assert.equal((await waiting).state, 'pending');
  });

  test('a user without a device cannot start an approval', async () => {
    const user = await h.user(tenant, 'nodevice@acme.example');
    await assert.rejects(start(user), { code: 'ERR_LOCK_NOT_ENROLLED' });
  });
});

describe('Lock enrollment', () => {
  let h: Harness;
  let tenant: Tenant;
  before(async () => {
    h = await startHarness();
    tenant = await h.tenant('enroll');
  });
  after(() => h.close());

  test('the link is single use; a second device asks before replacing the first', async () => {
    const user = await h.user(tenant, 'hanako@enroll.example');
    const first = await h.lock.createEnrollment(tenant.id, user.id);
    assert.match(first.url, /^https:\/\/sekisho\.example\/t\/enroll\/lock\/#enroll=lke_[\w-]{43}$/);
    assert.match(first.qrSvg, /<svg/);
    const body = (token: string, replace?: boolean) => ({
      token,
      deviceName: 'iPhone',
      publicKey: deviceKey().publicJwk,
      subscription: h.push.createSubscription().subscription,
      ...(replace !== undefined && { replace }),
    });
    const { deviceId, loginId } = await h.lock.enroll(tenant, body(tokenOf(first.url)));
    assert.equal(loginId, 'hanako@enroll.example');
    await assert.rejects(h.lock.enroll(tenant, body(tokenOf(first.url))), {
      code: 'ERR_LOCK_ENROLLMENT_INVALID',
    });
    const second = await h.lock.createEnrollment(tenant.id, user.id);
    await assert.rejects(h.lock.enroll(tenant, body(tokenOf(second.url))), {
      code: 'ERR_LOCK_DEVICE_EXISTS',
      status: 409,
    });
    const replaced = await h.lock.enroll(tenant, body(tokenOf(second.url), true));
    assert.notEqual(replaced.deviceId, deviceId);
    assert.deepEqual(await h.lock.enrolled(tenant.id, user.id), ['lock']);
    assert.equal(await h.lock.removeDevice(tenant.id, user.id), true);
    assert.equal(await h.lock.device(tenant.id, user.id), undefined);
  });

  test("an expired link, another tenant's link and bad keys are refused and change nothing", async () => {
    const user = await h.user(tenant, 'taro@enroll.example');
    const other = await h.tenant('enroll-other');
    const link = await h.lock.createEnrollment(tenant.id, user.id);
    const good = { token: tokenOf(link.url), deviceName: 'Phone', subscription: null };
    await assert.rejects(
      h.lock.enroll(
        { id: other.id, slug: other.slug, name: other.name },
        { ...good, publicKey: deviceKey().publicJwk },
      ),
      { code: 'ERR_LOCK_ENROLLMENT_INVALID' },
    );
    const pub = deviceKey().publicJwk;
    await assert.rejects(h.lock.enroll(tenant, { ...good, publicKey: { ...pub, d: 'AAAA' } }), {
      code: 'ERR_VALIDATION',
    });
    await assert.rejects(h.lock.enroll(tenant, { ...good, publicKey: { ...pub, crv: 'P-384' } }), {
      code: 'ERR_VALIDATION',
    });
    await assert.rejects(h.lock.enroll(tenant, { ...good, publicKey: pub, deviceName: '' }), {
      code: 'ERR_VALIDATION',
    });
    await assert.rejects(
      h.lock.enroll(tenant, {
        ...good,
        publicKey: pub,
        subscription: { endpoint: 'http://push.example/x', keys: { p256dh: 'x', auth: 'y' } },
      }),
      { code: 'ERR_VALIDATION' },
    );
    assert.equal(await h.lock.device(tenant.id, user.id), undefined);
    const { deviceId } = await h.lock.enroll(tenant, { ...good, publicKey: pub });
    assert.ok(deviceId, 'the refused attempts did not use the link up');
    const late = await h.lock.createEnrollment(tenant.id, user.id);
    await h.lock.removeDevice(tenant.id, user.id);
    h.clock.advance(10 * 60_000);
    await assert.rejects(
      h.lock.enroll(tenant, { ...good, token: tokenOf(late.url), publicKey: pub }),
      { code: 'ERR_LOCK_ENROLLMENT_INVALID' },
      'expired after 10 minutes',
    );
  });

  test('push endpoints on internal hosts are refused outside tests (SSRF)', async () => {
    const strict = createLockService({
      platform: h.platform,
      resolve: async (host) => (host === 'internal.example' ? ['10.0.0.5'] : ['203.0.113.10']),
    });
    const user = await h.user(tenant, 'ssrf@enroll.example');
    const sub = h.push.createSubscription().subscription;
    for (const endpoint of [
      sub.endpoint,
      'https://169.254.169.254/latest',
      'https://internal.example/push',
      'https://[::1]/x',
    ]) {
      const link = await strict.createEnrollment(tenant.id, user.id);
      await assert.rejects(
        strict.enroll(tenant, {
          token: tokenOf(link.url),
          deviceName: 'P',
          publicKey: deviceKey().publicJwk,
          subscription: { ...sub, endpoint },
        }),
        (err: { code?: string; message?: string }) =>
          err.code === 'ERR_VALIDATION' && /loopback or private/.test(err.message ?? ''),
        endpoint,
      );
    }
    const link = await strict.createEnrollment(tenant.id, user.id);
    const ok = await strict.enroll(tenant, {
      token: tokenOf(link.url),
      deviceName: 'P',
      publicKey: deviceKey().publicJwk,
      subscription: { ...sub, endpoint: 'https://fcm.googleapis.com/fcm/send/abc' },
    });
    assert.ok(ok.deviceId);
  });
});
