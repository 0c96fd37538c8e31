/**
 * The mutual-TLS listener (#5) on a real node (startServer, MTLS_PORT=0): real handshakes from
 * openssl s_client, curl and Node https with certificates issued by the device-cert service.
 * The mTLS port asks for a certificate naming every tenant CA, the main port never asks, and
 * "Log in with device certificate" on the main port leads to the mTLS port, where a
 * passwordless certificate signs the user in. The denied cases are in mtls-denied.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tenant } from '@sekisho/platform';
import {
  cookiesOf,
  externalCa,
  httpsGet,
  run,
  startMtlsNode,
  type MtlsNode,
} from './support/mtls-client.ts';

/** Asserts without printing the whole (long) openssl/curl output on failure. */
function has(out: string, pattern: RegExp, what: string): void {
  assert.ok(pattern.test(out), `${what}: ${pattern} not in output:\n${out.slice(-1500)}`);
}

describe('the mutual-TLS listener', () => {
  let node: MtlsNode;
  let acme: Tenant;
  let mtlsPort: string;
  let mainPort: string;

  before(async () => {
    node = await startMtlsNode();
    acme = await node.tenant('acme');
    await node.tenant('other');
    mtlsPort = new URL(node.mtlsUrl).port;
    mainPort = new URL(node.server.url).port;
  });
  after(() => node.close());

  const sClient = (port: string, args: string[] = [], files = {}, stdin = '') =>
    run('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-msg', ...args], files, stdin);

  test('the mTLS port asks for a certificate and names every tenant CA', async () => {
    const { out } = await sClient(mtlsPort);
    has(out, /^<<< .*Handshake .*CertificateRequest/m, 'the server sent a CertificateRequest');
    has(out, /Acceptable client certificate CA names\n(.+\n)*CN = Sekisho device CA acme/, 'acme');
    has(
      out,
      /Acceptable client certificate CA names\n(.+\n)*CN = Sekisho device CA other/,
      'other',
    );
  });

  test('the main port never asks for a client certificate', async () => {
    const { out } = await sClient(mainPort);
    has(out, /^<<< .*Handshake .*Finished/m, 'the handshake completed');
    assert.ok(!/CertificateRequest/.test(out), 'no CertificateRequest');
    assert.ok(!/Sekisho device CA/.test(out), 'no CA names');
    has(out, /No client certificate CA names sent/, 'openssl says so');
  });

  test('a tenant CA created later is named once the list is refreshed', async () => {
    const before = node.server.mtls?.authorityCount ?? 0;
    const late = await node.server.platform.tenants.create({ slug: 'late', name: 'Late' });
    await node.certs.ensureCa(late.id);
    await node.server.mtls?.refresh();
    assert.equal(node.server.mtls?.authorityCount, before + 1);
    has((await sClient(mtlsPort)).out, /CN = Sekisho device CA late/, 'the new CA is named');
  });

  test('openssl s_client -cert -key: verified handshake, the passwordless login signs in', async () => {
    const { key, cert } = await node.userWithCert(acme, 'passwordless');
    const request = [
      'GET /t/acme/login/certificate HTTP/1.1',
      'Host: 127.0.0.1',
      'Accept-Language: en',
      'Connection: close',
      '',
      '',
    ].join('\r\n');
    const { out } = await sClient(
      mtlsPort,
      [
        ...['-cert', 'c.pem', '-key', 'k.pem', '-CAfile', 'server.pem'],
        ...['-verify_return_error', '-ign_eof'],
      ],
      { 'c.pem': cert, 'k.pem': key, 'server.pem': node.ca },
      request,
    );
    has(out, /^>>> .*Handshake .*, Certificate$/m, 'the client sent its certificate');
    has(out, /^>>> .*Handshake .*CertificateVerify/m, 'and proved it holds the key');
    has(out, /Verify return code: 0 \(ok\)/, 'the server certificate verified');
    has(out, /^HTTP\/1\.1 303/m, 'the login answered 303');
    has(out, /^location: \/t\/acme\/portal/im, 'to the portal');
    has(out, /^set-cookie: /im, 'with the session cookie');
  });

  test('an EC P-256 key the device keeps (issued from its CSR) signs in over TLS 1.3 and 1.2', async () => {
    const made = await run('openssl', [
      ...['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-keyout', '-', '-out', '-', '-subj', '/CN=secure-enclave'],
    ]);
    const pem = (type: string) =>
      new RegExp(`-----BEGIN ${type}-----[^-]+-----END ${type}-----\n`).exec(made.out)?.[0];
    const [key, csrPem] = [pem('PRIVATE KEY'), pem('CERTIFICATE REQUEST')];
    assert.ok(key && csrPem, made.out);
    const user = await node.server.platform.users.create(acme.id, {
      loginId: 'enclave@acme.example',
      displayName: 'Enclave user',
      email: 'enclave@acme.example',
    });
    const issued = await node.certs.issueFromCsr(acme.id, {
      userId: user.id,
      device: { os: 'iOS 18', deviceIdType: 'serial', deviceId: 'SE-1' },
      loginType: 'passwordless',
      csrPem,
    });
    const request = [
      'GET /t/acme/login/certificate HTTP/1.1',
      'Host: 127.0.0.1',
      'Connection: close',
      '',
      '',
    ].join('\r\n');
    for (const [flag, protocol] of [
      ['-tls1_3', 'TLSv1.3'],
      ['-tls1_2', 'TLSv1.2'],
    ] as const) {
      const { out } = await sClient(
        mtlsPort,
        [
          flag,
          '-cert',
          'c.pem',
          '-key',
          'k.pem',
          '-CAfile',
          'server.pem',
          '-verify_return_error',
          '-ign_eof',
        ],
        { 'c.pem': issued.certificatePem, 'k.pem': key, 'server.pem': node.ca },
        request,
      );
      has(out, new RegExp(`^New, ${protocol}, Cipher is `, 'm'), protocol);
      has(
        out,
        /^>>> .*Handshake .*, Certificate$/m,
        `${protocol}: the client sent its certificate`,
      );
      // The signed handshake starts with its scheme: 04 03 = ecdsa_secp256r1_sha256 (RFC 8446).
      has(
        out,
        /^>>> .*Handshake .*CertificateVerify\n\s+0f 00 00 [0-9a-f]{2} 04 03 /m,
        `${protocol}: and proved it holds the EC key`,
      );
      has(out, /^HTTP\/1\.1 303/m, `${protocol}: the login answered 303`);
      has(out, /^location: \/t\/acme\/portal/im, `${protocol}: to the portal`);
      has(out, /^set-cookie: /im, `${protocol}: with the session cookie`);
    }
  });

  test('curl --cert --key follows the sign-in to the portal', async () => {
    const { user, key, cert } = await node.userWithCert(acme, 'passwordless');
    const files = { 'c.pem': cert, 'k.pem': key, 'server.pem': node.ca };
    const args = [
      ...['-sS', '-i', '-L', '-c', 'jar', '-b', 'jar', '-H', 'Accept-Language: en'],
      ...['--cacert', 'server.pem', '--cert', 'c.pem', '--key', 'k.pem'],
      `${node.mtlsUrl}/t/acme/login/certificate`,
    ];
    const { code, out } = await run('curl', args, files);
    assert.equal(code, 0, out.slice(0, 2000));
    has(
      out,
      /^HTTP\/1\.1 303[\s\S]*^location: \/t\/acme\/portal[\s\S]*^HTTP\/1\.1 200/im,
      '303 then 200',
    );
    assert.ok(out.includes(user.loginId), 'the portal names the signed-in user');
  });

  test('Node https with the PKCS#12 the user installs; the session holds on the main port too', async () => {
    const { user, certId } = await node.userWithCert(acme, 'passwordless');
    const password = 'install-password-1';
    const pfx = await node.certs.pkcs12(acme.id, certId, { password, legacy: false });
    const signIn = await httpsGet(`${node.mtlsUrl}/t/acme/login/certificate`, {
      ca: node.ca,
      pfx,
      passphrase: password,
    });
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.location, '/t/acme/portal');
    const cookie = cookiesOf(signIn);
    for (const base of [node.mtlsUrl, node.server.url]) {
      const portal = await httpsGet(`${base}/t/acme/portal`, { ca: node.ca, headers: { cookie } });
      assert.equal(portal.status, 200, base);
      assert.ok(portal.body.includes(user.loginId), base);
    }
  });

  test('"Log in with device certificate" on the main port leads to the mTLS port, then signs in', async () => {
    const { key, cert } = await node.userWithCert(acme, 'passwordless');
    const page = await httpsGet(`${node.server.url}/t/acme/login`, { ca: node.ca });
    assert.equal(page.status, 200);
    assert.ok(page.body.includes('href="/t/acme/login/certificate"'));
    const path = '/t/acme/login/certificate?return=%2Ft%2Facme%2Fportal';
    const hop = await httpsGet(`${node.server.url}${path}`, { ca: node.ca });
    assert.equal(hop.status, 303);
    assert.equal(hop.headers.location, `${node.mtlsUrl}${path}`);
    const done = await httpsGet(String(hop.headers.location), { ca: node.ca, key, cert });
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, '/t/acme/portal');
  });

  test("an uploaded trust anchor (an MDM's CA) is asked for, and its certificate signs in", async () => {
    const mdm = externalCa('Example MDM CA');
    const anchor = await node.certs.addTrustAnchor(acme.id, {
      name: 'MDM',
      pem: mdm.cert,
      loginType: 'passwordless',
      userMatch: 'email',
    });
    await node.server.mtls?.refresh();
    has((await sClient(mtlsPort)).out, /CN = Example MDM CA/, 'the anchor is named');
    const user = await node.server.platform.users.create(acme.id, {
      loginId: 'mdm@acme.example',
      displayName: 'MDM user',
      email: 'mdm@acme.example',
    });
    const res = await httpsGet(`${node.mtlsUrl}/t/acme/login/certificate`, {
      ca: node.ca,
      ...mdm.issue(user.email),
    });
    assert.equal(res.status, 303, res.body.slice(0, 300));
    assert.equal(res.headers.location, '/t/acme/portal');
    await node.certs.removeTrustAnchor(acme.id, anchor.id);
    await node.server.mtls?.refresh();
    assert.ok(!/Example MDM CA/.test((await sClient(mtlsPort)).out), 'removed, no longer named');
  });

  test('a personal certificate over mTLS leads to the password form with its login ID', async () => {
    const { user, key, cert } = await node.userWithCert(acme, 'personal');
    const res = await httpsGet(`${node.mtlsUrl}/t/acme/login/certificate`, {
      ca: node.ca,
      key,
      cert,
      headers: { 'accept-language': 'en' },
    });
    assert.equal(res.status, 200);
    assert.match(res.body, /Device certificate recognised/);
    assert.ok(res.body.includes(`value="${user.loginId}"`));
  });
});
