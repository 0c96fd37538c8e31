/**
 * TOTP (RFC 6238): the Appendix B test vectors through Lock's TOTP code path, then the
 * factor's rules: setup confirmed by a code, one step either side accepted, two refused,
 * a step never accepted twice, and an earlier step refused after a later one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret } from 'otpauth';
import { matchTotpStep, totpCode, totpStep, type TotpParams } from '../src/index.ts';
import { startHarness, type Harness } from './support.ts';

const SEEDS = {
  SHA1: Buffer.from('12345678901234567890'),
  SHA256: Buffer.from('12345678901234567890123456789012'),
  SHA512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
};

// RFC 6238 Appendix B: time (s), then the 8-digit TOTP for SHA1, SHA256, SHA512.
const VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('RFC 6238 Appendix B test vectors', () => {
  for (const [seconds, ...codes] of VECTORS) {
    (['SHA1', 'SHA256', 'SHA512'] as const).forEach((algorithm, i) => {
      const params: TotpParams = { algorithm, digits: 8, period: 30 };
      const expected = codes[i] ?? '';
      test(`${algorithm} at ${seconds} s is ${expected}`, () => {
        assert.equal(totpCode(SEEDS[algorithm], seconds * 1000, params), expected);
        assert.equal(
          matchTotpStep(SEEDS[algorithm], expected, seconds * 1000, params),
          totpStep(seconds * 1000, params),
        );
      });
    });
  }
});

describe('TOTP factor', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  async function confirmed(loginId: string) {
    const tenant = (await h.platform.tenants.getBySlug('totp')) ?? (await h.tenant('totp'));
    const user = await h.user(tenant, loginId);
    const setup = await h.lock.beginTotpSetup(tenant.id, user.id);
    const secret = Secret.fromBase32(setup.secret).bytes;
    const at = (steps: number) => totpCode(secret, h.clock.now().getTime() + steps * 30_000);
    return { tenant, user, setup, secret, at };
  }

  test('setup gives an otpauth URL for any authenticator app and a QR code', async () => {
    const { tenant, user, setup, at } = await confirmed('qr@totp.example');
    const url = new URL(setup.otpauthUrl);
    assert.equal(url.protocol, 'otpauth:');
    assert.equal(url.host, 'totp');
    assert.equal(url.searchParams.get('issuer'), 'Sekisho Tenant totp');
    assert.equal(url.searchParams.get('secret'), setup.secret);
    assert.equal(url.searchParams.get('algorithm'), 'SHA1');
    assert.equal(url.searchParams.get('digits'), '6');
    assert.equal(url.searchParams.get('period'), '30');
    assert.match(decodeURIComponent(url.pathname), /qr@totp\.example/);
    assert.match(setup.qrSvg, /^<svg[\s\S]*<\/svg>\s*$/);
    assert.deepEqual(await h.lock.enrolled(tenant.id, user.id), []);
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(0)), false, 'not active yet');
    assert.equal(await h.lock.confirmTotpSetup(tenant.id, user.id, '000000x'), false);
    assert.equal(await h.lock.confirmTotpSetup(tenant.id, user.id, at(0)), true);
    assert.deepEqual(await h.lock.enrolled(tenant.id, user.id), ['totp']);
  });

  test('accepts one step either side, refuses two, never the same step twice', async () => {
    const { tenant, user, at } = await confirmed('window@totp.example');
    assert.equal(await h.lock.confirmTotpSetup(tenant.id, user.id, at(0)), true);
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(0)), false, 'setup step used');
    h.clock.advance(10 * 30_000);
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(2)), false, '+2 refused');
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(-2)), false, '-2 refused');
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(-1)), true, '-1 accepted');
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(-1)), false, 'replay refused');
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(1)), true, '+1 accepted');
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(0)), false, 'earlier step refused');
    h.clock.advance(2 * 30_000);
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(0)), true);
  });

  test('the same code sent twice at once is accepted once', async () => {
    const { tenant, user, at } = await confirmed('race@totp.example');
    assert.equal(await h.lock.confirmTotpSetup(tenant.id, user.id, at(0)), true);
    h.clock.advance(30_000);
    const code = at(0);
    const results = await Promise.all([
      h.lock.verifyTotp(tenant.id, user.id, code),
      h.lock.verifyTotp(tenant.id, user.id, code),
    ]);
    assert.deepEqual(results.sort(), [false, true]);
  });

  test('a restarted setup keeps the old secret until the new one is confirmed', async () => {
    const { tenant, user, at } = await confirmed('restart@totp.example');
    assert.equal(await h.lock.confirmTotpSetup(tenant.id, user.id, at(0)), true);
    await h.lock.beginTotpSetup(tenant.id, user.id);
    h.clock.advance(30_000);
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(0)), true, 'old secret works');
    assert.equal(await h.lock.resetTotp(tenant.id, user.id), true);
    h.clock.advance(30_000);
    assert.equal(await h.lock.verifyTotp(tenant.id, user.id, at(0)), false, 'reset removes it');
  });

  test('ten wrong codes block further codes of the user for a while', async () => {
    const { tenant, user, at } = await confirmed('guess@totp.example');
    assert.equal(await h.lock.confirmTotpSetup(tenant.id, user.id, at(0)), true);
    for (let i = 0; i < 10; i++)
      assert.equal(await h.lock.verifyTotp(tenant.id, user.id, '000000'), false);
    h.clock.advance(30_000);
    await assert.rejects(h.lock.verifyTotp(tenant.id, user.id, at(0)), {
      code: 'ERR_LOCK_RATE_LIMITED',
    });
  });
});
