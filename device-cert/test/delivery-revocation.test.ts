import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEVICE, openssl, startHarness, type Harness } from './support.ts';

describe('PKCS#12 delivery, revocation and the CRL', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const issueOne = async (slug: string) => {
    const t = await h.tenant(slug);
    const u = await h.user(t, `erin@${slug}.example`);
    const cert = await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    return { t, u, cert };
  };

  test('openssl opens the modern .p12 (AES-256, PBKDF2-SHA256, SHA-256 MAC)', async () => {
    const { t, cert } = await issueOne('p12-modern');
    const p12 = await h.certs.pkcs12(t.id, cert.id, { password: 'Pa55word-x', legacy: false });
    const info = openssl(
      ['pkcs12', '-info', '-in', 'f.p12', '-passin', 'pass:Pa55word-x', '-nodes'],
      { 'f.p12': p12 },
    );
    assert.ok(info.ok, info.out);
    assert.match(info.out, /MAC: sha256/);
    assert.match(info.out, /PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/);
    assert.match(info.out, /BEGIN PRIVATE KEY/);
    assert.match(info.out, new RegExp(`Sekisho device CA p12-modern`));
    assert.equal(
      openssl(['pkcs12', '-in', 'f.p12', '-passin', 'pass:wrong-pass', '-nodes'], { 'f.p12': p12 })
        .ok,
      false,
    );
  });

  test('openssl opens the legacy .p12 (3DES, SHA-1 MAC)', async () => {
    const { t, cert } = await issueOne('p12-legacy');
    const p12 = await h.certs.pkcs12(t.id, cert.id, { password: 'Pa55word-y', legacy: true });
    const info = openssl(
      ['pkcs12', '-info', '-legacy', '-in', 'f.p12', '-passin', 'pass:Pa55word-y', '-nodes'],
      { 'f.p12': p12 },
    );
    assert.ok(info.ok, info.out);
    assert.match(info.out, /MAC: sha1/);
    assert.match(info.out, /pbeWithSHA1And3-KeyTripleDES-CBC/);
    assert.match(info.out, /BEGIN PRIVATE KEY/);
  });

  test('a one-time download works with its password a limited number of times', async () => {
    const { t, cert } = await issueOne('download');
    const d = await h.certs.createDownload(t.id, cert.id, { maxDownloads: 2, ttlHours: 1 });
    assert.equal(d.password.length, 14);
    await assert.rejects(
      h.certs.redeemDownload(t.id, d.token, 'not-the-password', { legacy: false }),
      { code: 'ERR_NOT_FOUND' },
    );
    const p12 = await h.certs.redeemDownload(t.id, d.token, d.password, { legacy: false });
    assert.ok(
      openssl(['pkcs12', '-in', 'f.p12', '-passin', `pass:${d.password}`, '-nodes'], {
        'f.p12': p12,
      }).ok,
    );
    assert.equal((await h.certs.get(t.id, cert.id))?.status, 'downloaded');
    await h.certs.redeemDownload(t.id, d.token, d.password, { legacy: true });
    await assert.rejects(h.certs.redeemDownload(t.id, d.token, d.password, { legacy: false }), {
      code: 'ERR_NOT_FOUND',
    });
    const late = await h.certs.createDownload(t.id, cert.id, { ttlHours: 1 });
    h.clock.advance(3_600_001);
    await assert.rejects(
      h.certs.redeemDownload(t.id, late.token, late.password, { legacy: false }),
      { code: 'ERR_NOT_FOUND' },
    );
    h.clock.set(new Date());
  });

  test('the CRL lists a revoked certificate; openssl verify -crl_check denies it and accepts a good one', async () => {
    const { t, u, cert: bad } = await issueOne('crl');
    const good = await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    const before = await h.certs.crl(t.id);
    await h.certs.revoke(t.id, bad.id, 'keyCompromise');
    const crl = await h.certs.crl(t.id);
    assert.ok(crl.crlNumber > before.crlNumber);
    assert.equal(crl.nextUpdate.getTime() - crl.thisUpdate.getTime(), 7 * 86_400_000);
    const { certificatePem: caPem } = await h.certs.ensureCa(t.id);
    const text = openssl(['crl', '-in', 'crl.pem', '-noout', '-text', '-CAfile', 'ca.pem'], {
      'crl.pem': crl.pem,
      'ca.pem': caPem,
    });
    assert.ok(text.ok, text.out);
    assert.match(text.out, /verify OK/);
    assert.match(text.out, new RegExp(`Serial Number: ${bad.serial}`));
    assert.doesNotMatch(text.out, new RegExp(good.serial));
    assert.match(text.out, /Key Compromise/);
    assert.match(text.out, new RegExp(`X509v3 CRL Number: \\s*\\n?\\s*${crl.crlNumber}`));
    const files = {
      'chain.pem': caPem + crl.pem,
      'bad.pem': bad.certificatePem,
      'good.pem': good.certificatePem,
    };
    const revoked = openssl(['verify', '-crl_check', '-CAfile', 'chain.pem', 'bad.pem'], files);
    assert.equal(revoked.ok, false);
    assert.match(revoked.out, /certificate revoked/);
    const ok = openssl(
      ['verify', '-crl_check', '-purpose', 'sslclient', '-CAfile', 'chain.pem', 'good.pem'],
      files,
    );
    assert.ok(ok.ok, ok.out);
    assert.match(ok.out, /good.pem: OK/);
  });

  test('revokeAllOfUser revokes every certificate of the user, once', async () => {
    const { t, u } = await issueOne('revoke-all');
    await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'shared' });
    assert.equal(await h.certs.revokeAllOfUser(t.id, u.id, 'affiliationChanged'), 2);
    assert.equal(await h.certs.revokeAllOfUser(t.id, u.id, 'affiliationChanged'), 0);
  });
});
