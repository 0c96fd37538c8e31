import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import forge from 'node-forge';
import { ValidationError, isSekishoError } from '@sekisho/platform';
import { DEVICE, openssl, startHarness, type Harness } from './support.ts';

/** A fresh key and a CSR for it from `openssl req -newkey` (`newkey`: its key options). */
function opensslCsr(newkey: string[], extra: string[] = []): { key: string; csrPem: string } {
  const { ok, out } = openssl([
    ...['req', '-new', ...newkey, '-nodes', '-keyout', '-', '-out', '-'],
    ...extra,
    ...(extra.includes('-subj') ? [] : ['-subj', '/CN=device']),
  ]);
  const block = (type: string) =>
    new RegExp(`-----BEGIN ${type}-----[^-]+-----END ${type}-----\\n`).exec(out)?.[0];
  const key = block('PRIVATE KEY');
  const csrPem = block('CERTIFICATE REQUEST');
  assert.ok(ok && key && csrPem, out);
  return { key, csrPem };
}

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
const P384 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'];

/** The CSR with one byte flipped `back` bytes before the end of its public key or signature. */
function tamperCsr(req: { key: string; csrPem: string }, part: 'key' | 'signature', back: number) {
  const der = Buffer.from(req.csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const spki = createPublicKey(req.key).export({ type: 'spki', format: 'der' });
  const end = part === 'signature' ? der.length : der.indexOf(spki) + spki.length;
  assert.ok(end >= spki.length, 'the key is in the request');
  der.writeUInt8(der.readUInt8(end - back) ^ 0x01, end - back);
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
}

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

  test('issues from EC P-256 and P-384 CSRs: openssl verifies it, digitalSignature only, our names', async () => {
    const t = await h.tenant('csr-ec');
    const caPem = (await h.certs.ensureCa(t.id)).certificatePem;
    const caText = openssl(['x509', '-in', 'ca.pem', '-noout', '-text'], { 'ca.pem': caPem }).out;
    const caSki = /Subject Key Identifier: *\n *([0-9A-F:]+)/.exec(caText)?.[1];
    assert.ok(caSki, caText);
    for (const [curve, newkey, oid] of [
      ['P-256', P256, 'prime256v1'],
      ['P-384', P384, 'secp384r1'],
    ] as const) {
      const u = await h.user(t, `${curve.toLowerCase()}@csr-ec.example`);
      const req = opensslCsr(newkey, [
        ...['-subj', '/CN=evil/O=Evil Corp'],
        ...['-addext', 'subjectAltName=email:evil@evil.example'],
        ...['-addext', 'basicConstraints=critical,CA:TRUE'],
        ...['-addext', 'keyUsage=critical,keyCertSign,keyEncipherment'],
        ...['-addext', 'extendedKeyUsage=serverAuth'],
      ]);
      const cert = await h.certs.issueFromCsr(t.id, {
        userId: u.id,
        device: DEVICE,
        loginType: 'passwordless',
        csrPem: req.csrPem,
      });
      assert.equal(cert.hasServerKey, false);
      const files = { 'ca.pem': caPem, 'cert.pem': cert.certificatePem };
      const verified = openssl(['verify', '-CAfile', 'ca.pem', 'cert.pem'], files);
      assert.ok(verified.ok && /cert\.pem: OK/.test(verified.out), verified.out);
      const text = openssl(['x509', '-in', 'cert.pem', '-noout', '-text'], files).out;
      const has = (pattern: RegExp) => assert.match(text, pattern, `${curve}: ${pattern}`);
      has(/Signature Algorithm: sha256WithRSAEncryption/);
      has(/Issuer: CN = Sekisho device CA csr-ec, O = Sekisho/);
      has(new RegExp(`Subject: CN = ${u.loginId} ${cert.serial}, O = Sekisho\n`));
      has(/Public Key Algorithm: id-ecPublicKey/);
      has(new RegExp(`ASN1 OID: ${oid}\n *NIST CURVE: ${curve}`));
      has(/X509v3 Basic Constraints: critical\n *CA:FALSE\n/);
      has(/X509v3 Key Usage: critical\n *Digital Signature\n/);
      has(/X509v3 Extended Key Usage: *\n *TLS Web Client Authentication\n/);
      has(new RegExp(`X509v3 Subject Alternative Name: *\n *email:${u.email}\n`));
      has(/X509v3 Subject Key Identifier: *\n *[0-9A-F:]{59}\n/);
      has(new RegExp(`X509v3 Authority Key Identifier: *\n *(keyid:)?${caSki}\n`));
      assert.doesNotMatch(text, /evil|Evil|Key Encipherment|Certificate Sign|TLS Web Server/);
      const x = new X509Certificate(cert.certificatePem);
      assert.deepEqual(
        x.publicKey.export({ type: 'spki', format: 'der' }),
        createPublicKey(req.key).export({ type: 'spki', format: 'der' }),
        "the certificate carries the CSR's key",
      );
      const checked = await h.certs.verifyClientCertificate(t.id, cert.certificatePem);
      assert.equal(checked.ok, true, `${curve}: verifyClientCertificate accepts it`);
    }
  });

  test('an RSA CSR made by openssl still gets digitalSignature + keyEncipherment', async () => {
    const t = await h.tenant('csr-rsa');
    const u = await h.user(t, 'erin@csr-rsa.example');
    const cert = await h.certs.issueFromCsr(t.id, {
      userId: u.id,
      device: DEVICE,
      loginType: 'personal',
      csrPem: opensslCsr(['-newkey', 'rsa:2048']).csrPem,
    });
    const text = openssl(['x509', '-in', 'c.pem', '-noout', '-text'], {
      'c.pem': cert.certificatePem,
    }).out;
    assert.match(text, /Public-Key: \(2048 bit\)/);
    assert.match(text, /X509v3 Key Usage: critical\n *Digital Signature, Key Encipherment\n/);
  });

  test('a CSR labelled "NEW CERTIFICATE REQUEST" (Windows certreq) is read', async () => {
    const t = await h.tenant('csr-certreq');
    const u = await h.user(t, 'finn@csr-certreq.example');
    const { csrPem } = opensslCsr(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    const cert = await h.certs.issueFromCsr(t.id, {
      userId: u.id,
      device: DEVICE,
      loginType: 'personal',
      csrPem: csrPem.replaceAll('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'),
    });
    assert.equal(cert.hasServerKey, false);
  });

  test('refuses a CSR that does not verify or whose key is not RSA >= 2048, P-256 or P-384', async () => {
    const t = await h.tenant('csr-refused');
    const u = await h.user(t, 'frank@csr-refused.example');
    const p256 = opensslCsr(P256);
    const rsa = opensslCsr(['-newkey', 'rsa:2048']);
    const cases: [string, string, RegExp][] = [
      ['P-256, signature byte flipped', tamperCsr(p256, 'signature', 1), /does not verify/],
      ['P-256, public key byte flipped', tamperCsr(p256, 'key', 1), /cannot be read|not verify/],
      ['RSA, modulus byte flipped', tamperCsr(rsa, 'key', 10), /does not verify/],
      ['RSA, signature byte flipped', tamperCsr(rsa, 'signature', 1), /does not verify/],
      ['Ed25519', opensslCsr(['-newkey', 'ed25519']).csrPem, /\(ed25519\)/],
      [
        'P-521',
        opensslCsr(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521']).csrPem,
        /\(EC secp521r1\)/,
      ],
      [
        'secp256k1',
        opensslCsr(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1']).csrPem,
        /\(EC secp256k1\)/,
      ],
      ['RSA-1024', opensslCsr(['-newkey', 'rsa:1024']).csrPem, /\(RSA-1024\)/],
      [
        'P-256 with explicit curve parameters',
        opensslCsr([...P256, '-pkeyopt', 'ec_param_enc:explicit']).csrPem,
        /\(EC with explicit curve parameters\)/,
      ],
      [
        'a certificate, not a CSR',
        (await h.certs.ensureCa(t.id)).certificatePem,
        /CERTIFICATE REQUEST/,
      ],
    ];
    for (const [what, csrPem, message] of cases) {
      await assert.rejects(
        h.certs.issueFromCsr(t.id, { userId: u.id, device: DEVICE, loginType: 'personal', csrPem }),
        (e) => {
          assert.ok(e instanceof ValidationError, `${what}: ${String(e)}`);
          assert.equal(e.problems.length, 1, what);
          assert.equal(e.problems[0]?.field, 'csrPem', what);
          assert.match(e.problems[0]?.message ?? '', message, what);
          return true;
        },
      );
    }
    assert.equal((await h.certs.list(t.id)).length, 0, 'nothing was issued');
    const good = await h.certs.issueFromCsr(t.id, {
      userId: u.id,
      device: DEVICE,
      loginType: 'personal',
      csrPem: p256.csrPem,
    });
    assert.deepEqual(
      (await h.certs.list(t.id)).map((c) => c.id),
      [good.id],
      'the untampered request is issued',
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
