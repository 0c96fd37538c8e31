import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isSekishoError } from '@sekisho/platform';
import { DEVICE, startHarness, type Harness } from './support.ts';

const DAY = 86_400_000;

describe('device swap (certificate being replaced)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const fill = async (slug: string, max: number) => {
    const t = await h.tenant(slug, max);
    const u = await h.user(t, `user@${slug}.example`);
    const input = { userId: u.id, device: DEVICE, loginType: 'personal' as const };
    const certs = [];
    for (let i = 0; i < max; i++) certs.push(await h.certs.issue(t.id, input));
    return { t, u, input, certs };
  };

  test('a certificate being replaced stops counting, works 90 days more, then is refused', async () => {
    const { t, input, certs } = await fill('swap-basic', 2);
    await assert.rejects(h.certs.issue(t.id, input), { code: 'ERR_DEVICE_CERT_LIMIT' });
    const old = certs[0]!;
    const marked = await h.certs.markReplacing(t.id, old.id);
    assert.equal(marked.status, 'replacing');
    assert.equal(marked.displayStatus, 'replacing');
    assert.ok(marked.replacingSince);
    const replacement = await h.certs.issue(t.id, input);
    assert.equal(replacement.displayStatus, 'not_downloaded');
    assert.ok((await h.certs.verifyClientCertificate(t.id, old.certificatePem)).ok);
    assert.equal((await h.certs.get(t.id, old.id))!.status, 'replacing', 'use does not undo it');

    h.clock.advance(89 * DAY);
    assert.ok((await h.certs.verifyClientCertificate(t.id, old.certificatePem)).ok);
    h.clock.advance(1 * DAY + 1000);
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, old.certificatePem), {
      ok: false,
      reason: 'expired',
    });
    assert.equal((await h.certs.get(t.id, old.id))!.displayStatus, 'expired');
    h.clock.set(new Date());
  });

  test('revoking a certificate being replaced stops it at once', async () => {
    const { t, certs } = await fill('swap-revoke', 2);
    await h.certs.markReplacing(t.id, certs[1]!.id);
    await h.certs.revoke(t.id, certs[1]!.id, 'superseded');
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, certs[1]!.certificatePem), {
      ok: false,
      reason: 'revoked',
    });
    const crl = await h.certs.crl(t.id);
    assert.ok(crl.der.length > 0);
  });

  test('swaps are limited to half the contracted count per 350 days, under concurrent requests', async () => {
    const { t, input, certs } = await fill('swap-limit', 4);
    const results = await Promise.allSettled(certs.map((c) => h.certs.markReplacing(t.id, c.id)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2);
    for (const r of results) {
      if (r.status === 'rejected') {
        assert.ok(isSekishoError(r.reason));
        assert.equal(r.reason.code, 'ERR_DEVICE_CERT_SWAP_LIMIT');
        assert.deepEqual(r.reason.params, { max: 2, days: 350 });
      }
    }
    const replacing = (await h.certs.list(t.id, { status: 'replacing' })).length;
    assert.equal(replacing, 2);
    // A revoked swap still used up its allowance.
    const swapped = (await h.certs.list(t.id, { status: 'replacing' }))[0]!;
    await h.certs.revoke(t.id, swapped.id, 'superseded');
    const free = (await h.certs.list(t.id, { status: 'not_downloaded' }))[0]!;
    await assert.rejects(h.certs.markReplacing(t.id, free.id), {
      code: 'ERR_DEVICE_CERT_SWAP_LIMIT',
    });
    // 350 days later the earlier swaps have left the period.
    h.clock.advance(351 * DAY);
    const later = await h.certs.issue(t.id, input);
    assert.equal((await h.certs.markReplacing(t.id, later.id)).status, 'replacing');
    h.clock.set(new Date());
  });

  test('counted plus replacing never exceed 150% of the contracted count', async () => {
    const { t, input, certs } = await fill('swap-total', 4);
    await h.certs.markReplacing(t.id, certs[0]!.id);
    await h.certs.markReplacing(t.id, certs[1]!.id);
    await h.certs.issue(t.id, input);
    await h.certs.issue(t.id, input);
    // 4 counted + 2 replacing = 6 = floor(1.5 x 4). The contract is then lowered to 3.
    await h.platform.tenants.update(t.id, { maxDeviceCerts: 3 });
    await h.certs.revoke(t.id, certs[2]!.id, 'unspecified');
    await h.certs.revoke(t.id, certs[3]!.id, 'unspecified');
    // 2 counted < 3, but 2 + 2 replacing + 1 > floor(4.5) = 4.
    await assert.rejects(
      h.certs.issue(t.id, input),
      (e) =>
        isSekishoError(e) && e.code === 'ERR_DEVICE_CERT_SWAP_TOTAL_LIMIT' && e.params.max === 4,
    );
  });

  test('only a valid certificate that counts can be marked; unknown ids are not found', async () => {
    const { t, certs } = await fill('swap-status', 2);
    await h.certs.revoke(t.id, certs[0]!.id, 'unspecified');
    await assert.rejects(
      h.certs.markReplacing(t.id, certs[0]!.id),
      (e) =>
        isSekishoError(e) && e.code === 'ERR_DEVICE_CERT_STATUS' && e.params.status === 'revoked',
    );
    await h.certs.markReplacing(t.id, certs[1]!.id);
    await assert.rejects(h.certs.markReplacing(t.id, certs[1]!.id), {
      code: 'ERR_DEVICE_CERT_STATUS',
    });
    await assert.rejects(h.certs.markReplacing(t.id, 'nope'), { code: 'ERR_NOT_FOUND' });
    const other = await h.tenant('swap-status-other');
    await assert.rejects(h.certs.markReplacing(other.id, certs[1]!.id), { code: 'ERR_NOT_FOUND' });
  });
});
