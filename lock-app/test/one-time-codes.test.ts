/**
 * Emergency codes (issued by an admin: single use, expiring, replaced by a new batch) and
 * email one-time codes (only when the tenant allows them, five attempts per code, once).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './support.ts';

describe('one-time codes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.tenant('codes');
  });
  after(() => h.close());

  const setup = async (loginId: string) => {
    const tenant = await h.platform.tenants.getBySlug('codes');
    assert.ok(tenant);
    return { tenant, user: await h.user(tenant, loginId) };
  };

  test('an emergency code works once, for its user only', async () => {
    const { tenant, user } = await setup('lost-phone@codes.example');
    const other = await h.user(tenant, 'other@codes.example');
    const { codes, expiresAt } = await h.lock.issueEmergencyCodes(tenant.id, user.id, { count: 3 });
    assert.equal(codes.length, 3);
    for (const c of codes) assert.match(c, /^\d{5}-\d{5}$/);
    assert.equal(expiresAt.getTime() - h.clock.now().getTime(), 24 * 3_600_000);
    const [first = '', second = ''] = codes;
    assert.equal(await h.lock.verifyEmergencyCode(tenant.id, other.id, first), false);
    assert.equal(await h.lock.verifyEmergencyCode(tenant.id, user.id, first), true);
    assert.equal(await h.lock.verifyEmergencyCode(tenant.id, user.id, first), false, 'used');
    assert.equal(
      await h.lock.verifyEmergencyCode(tenant.id, user.id, second.replace('-', ' ')),
      true,
      'typed with a space',
    );
    const rows = await h.platform.store.db
      .selectFrom('lock_emergency_codes' as never)
      .selectAll()
      .execute();
    assert.ok(!JSON.stringify(rows).includes(first.replace('-', '')), 'only hashes are stored');
  });

  test('an emergency code expires, and a new batch replaces the unused ones', async () => {
    const { tenant, user } = await setup('expiry@codes.example');
    await h.lock.updateSettings(tenant.id, { emergencyCodeHours: 2 });
    const old = await h.lock.issueEmergencyCodes(tenant.id, user.id, { count: 2 });
    const fresh = await h.lock.issueEmergencyCodes(tenant.id, user.id, { count: 1 });
    assert.equal(await h.lock.verifyEmergencyCode(tenant.id, user.id, old.codes[0] ?? ''), false);
    h.clock.advance(2 * 3_600_000 + 1000);
    assert.equal(await h.lock.verifyEmergencyCode(tenant.id, user.id, fresh.codes[0] ?? ''), false);
    await assert.rejects(h.lock.issueEmergencyCodes(tenant.id, user.id, { count: 11 }), {
      code: 'ERR_VALIDATION',
    });
    await h.lock.updateSettings(tenant.id, { emergencyCodeHours: 24 });
  });

  test('email codes only when the tenant allows them', async () => {
    const { tenant, user } = await setup('no-mail@codes.example');
    await assert.rejects(h.lock.sendEmailOtp(tenant.id, user.id, 'en'), {
      code: 'ERR_LOCK_FACTOR_NOT_ALLOWED',
    });
    assert.deepEqual(await h.lock.enrolled(tenant.id, user.id), []);
    await h.lock.updateSettings(tenant.id, { emailOtpAllowed: true });
    assert.deepEqual(await h.lock.enrolled(tenant.id, user.id), ['email_otp']);
    await h.lock.updateSettings(tenant.id, { emailOtpAllowed: false });
  });

  test('an email code is mailed, allows five attempts and works once', async () => {
    const { tenant, user } = await setup('mail@codes.example');
    await h.lock.updateSettings(tenant.id, { emailOtpAllowed: true });
    const codeIn = async () => {
      await h.lock.sendEmailOtp(tenant.id, user.id, 'en');
      const mail =
        h
          .outbox()
          .filter((m) => m.includes('mail@codes.example'))
          .at(-1) ?? '';
      assert.match(mail, /Subject: Your Sekisho sign-in code/);
      return /\n(\d{6})\r?\n/.exec(mail)?.[1] ?? '';
    };
    const first = await codeIn();
    assert.match(first, /^\d{6}$/);
    const wrong = first === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++)
      assert.equal(await h.lock.verifyEmailOtp(tenant.id, user.id, wrong), false);
    assert.equal(await h.lock.verifyEmailOtp(tenant.id, user.id, first), false, 'attempts used');
    const second = await codeIn();
    assert.equal(await h.lock.verifyEmailOtp(tenant.id, user.id, second), true);
    assert.equal(await h.lock.verifyEmailOtp(tenant.id, user.id, second), false, 'once');
    const third = await codeIn();
    h.clock.advance(10 * 60_000 + 1);
    assert.equal(await h.lock.verifyEmailOtp(tenant.id, user.id, third), false, 'expired');
  });
});
