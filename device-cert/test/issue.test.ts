import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import forge from 'node-forge';
import { isSekishoError } from '@sekisho/platform';
import { DEVICE, startHarness, type Harness } from './support.ts';

describe('device certificate issuance', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('creates one CA per tenant, idempotently under concurrency', async () => {
    const t = await h.tenant('ca-once');
    const cas = await Promise.all([1, 2, 3, 4].map(() => h.certs.ensureCa(t.id)));
    assert.equal(new Set(cas.map((c) => c.certificatePem)).size, 1);
    const ca = new X509Certificate(cas[0]!.certificatePem);
    assert.equal(ca.ca, true);
    assert.match(ca.subject, /CN=Sekisho device CA ca-once/);
    assert.ok(ca.verify(ca.publicKey));
  });

  test('issues a clientAuth certificate bound to the user, valid 365 days', async () => {
    const t = await h.tenant('issue-one');
    const u = await h.user(t, 'alice@issue-one.example');
    const cert = await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    const x = new X509Certificate(cert.certificatePem);
    assert.equal(cert.status, 'not_downloaded');
    assert.equal(x.serialNumber.toUpperCase(), cert.serial);
    assert.match(x.subject, new RegExp(`CN=alice@issue-one.example ${cert.serial}`));
    assert.match(x.subjectAltName ?? '', /email:alice@issue-one.example/);
    assert.deepEqual(x.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    const days = (x.validToDate.getTime() - h.clock.now().getTime()) / 86_400_000;
    assert.ok(Math.abs(days - 365) < 0.01);
    const ca = new X509Certificate((await h.certs.ensureCa(t.id)).certificatePem);
    assert.ok(x.checkIssued(ca) && x.verify(ca.publicKey));
  });

  test('refuses a certificate beyond the contracted count', async () => {
    const t = await h.tenant('limit', 2);
    const u = await h.user(t, 'bob@limit.example');
    const input = { userId: u.id, device: DEVICE, loginType: 'shared' as const };
    await h.certs.issue(t.id, input);
    const second = await h.certs.issue(t.id, input);
    await assert.rejects(
      h.certs.issue(t.id, input),
      (e) => isSekishoError(e) && e.code === 'ERR_DEVICE_CERT_LIMIT' && e.params.max === 2,
    );
    await h.certs.revoke(t.id, second.id, 'superseded');
    await h.certs.issue(t.id, input);
  });

  test('the count holds under concurrent issuance: 8 requests, limit 3, exactly 3 succeed', async () => {
    const t = await h.tenant('race', 3);
    const u = await h.user(t, 'carol@race.example');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3);
    for (const r of results) {
      if (r.status === 'rejected')
        assert.equal((r.reason as { code: string }).code, 'ERR_DEVICE_CERT_LIMIT');
    }
    const serials = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.serial] : []));
    assert.equal(new Set(serials).size, 3);
  });

  test('issues from a CSR with the device key, and rejects a tampered CSR', async () => {
    const t = await h.tenant('csr');
    const u = await h.user(t, 'dave@csr.example');
    const keys = forge.pki.rsa.generateKeyPair(2048);
    const csr = forge.pki.createCertificationRequest();
    csr.publicKey = keys.publicKey;
    csr.setSubject([{ name: 'commonName', value: 'ignored' }]);
    csr.sign(keys.privateKey, forge.md.sha256.create());
    const csrPem = forge.pki.certificationRequestToPem(csr);
    const cert = await h.certs.issueFromCsr(t.id, {
      userId: u.id,
      device: DEVICE,
      loginType: 'passwordless',
      csrPem,
    });
    assert.equal(cert.hasServerKey, false);
    const x = new X509Certificate(cert.certificatePem);
    assert.equal(
      x.publicKey.export({ type: 'spki', format: 'pem' }).toString().trim(),
      forge.pki.publicKeyToPem(keys.publicKey).replace(/\r\n/g, '\n').trim(),
    );
    assert.match(x.subject, /CN=dave@csr.example/);
    await assert.rejects(h.certs.pkcs12(t.id, cert.id, { password: 'abcdefgh', legacy: false }), {
      code: 'ERR_CONFLICT',
    });
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der.writeUInt8(der.readUInt8(der.length - 1) ^ 0xff, der.length - 1); // in the signature
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    await assert.rejects(
      h.certs.issueFromCsr(t.id, {
        userId: u.id,
        device: DEVICE,
        loginType: 'personal',
        csrPem: tampered,
      }),
      { code: 'ERR_VALIDATION' },
    );
  });

  test('rejects bad input naming each field', async () => {
    const t = await h.tenant('bad-input');
    await assert.rejects(
      h.certs.issue(t.id, {
        userId: '',
        device: { os: '', deviceIdType: 'x', deviceId: 'y' },
        loginType: 'nope' as 'shared',
        validityDays: 0,
      }),
      (e) => isSekishoError(e) && /userId.*device\.os.*loginType.*validityDays/.test(e.message),
    );
  });
});
