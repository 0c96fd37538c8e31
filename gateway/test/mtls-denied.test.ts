/**
 * What the mutual-TLS listener (#5) refuses, over real TLS on a real node: no certificate,
 * another tenant's CA, expired, not yet valid, revoked (on a new connection and on the same
 * kept-alive one), wrong key usage, look-alikes of the CA and of a device certificate, and a
 * forwarded-certificate header from a peer that is not a trusted proxy. Each is a 403 page,
 * and none leaves a session behind.
 *
 * A certificate whose chain does not verify in the handshake (expired, not yet valid, wrong
 * usage, look-alike) never reaches the request context, so the page says that no usable
 * certificate was presented; one that verifies against some tenant's CA is then refused by
 * device-cert with its reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { Agent } from 'node:https';
import type { Tenant } from '@sekisho/platform';
import {
  cookiesOf,
  forgeClientCert,
  httpsGet,
  startMtlsNode,
  type Answer,
  type ClientIdentity,
  type MtlsNode,
} from './support/mtls-client.ts';

const NO_CERTIFICATE = /No device certificate was presented/;
const DAY = 86_400_000;

describe('the mutual-TLS listener refuses', () => {
  let node: MtlsNode;
  let acme: Tenant;
  let other: Tenant;

  before(async () => {
    // The header is configured, but only 192.0.2.10 may send it: loopback is not trusted.
    node = await startMtlsNode({
      TRUSTED_PROXIES: '192.0.2.10',
      FORWARDED_CERT_HEADER: 'x-client-cert',
    });
    acme = await node.tenant('acme');
    other = await node.tenant('other');
  });
  after(() => node.close());

  const login = (identity: ClientIdentity & { agent?: Agent; headers?: Record<string, string> }) =>
    httpsGet(`${node.mtlsUrl}/t/acme/login/certificate`, {
      ca: node.ca,
      ...identity,
      headers: { 'accept-language': 'en', ...identity.headers },
    });

  /** A 403 page with `reason`, and the portal still sends the browser to the login page. */
  async function assertRefused(res: Answer, reason: RegExp): Promise<void> {
    assert.equal(res.status, 403, res.body.slice(0, 500));
    assert.match(res.body, reason);
    const portal = await httpsGet(`${node.mtlsUrl}/t/acme/portal`, {
      ca: node.ca,
      headers: { cookie: cookiesOf(res) },
    });
    assert.equal(portal.status, 303);
    assert.match(String(portal.headers.location), /^\/t\/acme\/login/);
  }

  test('no certificate: the page says one is needed', async () => {
    await assertRefused(await login({}), NO_CERTIFICATE);
  });

  test("a certificate from another tenant's CA: unknown issuer", async () => {
    const theirs = await node.userWithCert(other, 'passwordless');
    await assertRefused(
      await login(theirs),
      /not accepted: it was not issued by this organization \(unknown issuer\)/,
    );
  });

  test('an expired certificate', async () => {
    node.clock.set(new Date(Date.now() - 3 * DAY));
    const expired = await node.userWithCert(acme, 'passwordless', { validityDays: 1 });
    node.clock.set(new Date());
    assert.ok(new X509Certificate(expired.cert).validToDate.getTime() < Date.now());
    await assertRefused(await login(expired), /not accepted: it has expired/);
  });

  test('a certificate not yet valid', async () => {
    node.clock.set(new Date(Date.now() + 2 * DAY));
    const early = await node.userWithCert(acme, 'passwordless', { validityDays: 10 });
    node.clock.set(new Date());
    assert.ok(new X509Certificate(early.cert).validFromDate.getTime() > Date.now());
    await assertRefused(await login(early), /not accepted: it is not valid yet/);
  });

  test('a revoked certificate, on a new connection and on the same kept-alive one', async () => {
    const mine = await node.userWithCert(acme, 'passwordless');
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: node.ca, ...pair(mine) });
    try {
      const first = await login({ agent });
      assert.equal(first.status, 303, 'accepted before the revocation');
      await node.certs.revoke(acme.id, mine.certId, 'keyCompromise');
      const sameConnection = await login({ agent });
      assert.equal(sameConnection.localPort, first.localPort, 'one TLS connection');
      await assertRefused(sameConnection, /not accepted: it has been revoked/);
      const fresh = await login(pair(mine));
      assert.notEqual(fresh.localPort, first.localPort);
      await assertRefused(fresh, /not accepted: it has been revoked/);
    } finally {
      agent.destroy();
    }
  });

  test('a certificate of the tenant CA without the clientAuth usage', async () => {
    const ca = await node.caOf(acme);
    const serverOnly = forgeClientCert({
      issuerPem: ca.cert,
      signKeyPem: ca.key,
      clientAuth: false,
    });
    await assertRefused(
      await login(serverOnly),
      /not accepted: it is not a client-authentication certificate/,
    );
  });

  test('look-alikes: a self-signed "CA" with its subject, a device certificate with its subject', async () => {
    // A signature that fails in the handshake must still get our page, not a dropped connection.
    const dropped: Error[] = [];
    node.server.mtls?.server.on('clientError', (err: Error) => dropped.push(err));
    const ca = await node.caOf(acme);
    const fakeCa = forgeClientCert({ issuerPem: ca.cert, selfSigned: true, clientAuth: true });
    await assertRefused(await login(fakeCa), /not accepted: .*unknown issuer/);
    const real = await node.userWithCert(acme, 'passwordless');
    const copy = forgeClientCert({ issuerPem: ca.cert, subjectPem: real.cert, clientAuth: true });
    await assertRefused(await login(copy), /not accepted: .*unknown issuer/);
    assert.deepEqual(dropped, []);
  });

  test('a forwarded-certificate header from an untrusted peer is ignored on both ports', async () => {
    const mine = await node.userWithCert(acme, 'passwordless');
    const headers = { 'x-client-cert': encodeURIComponent(mine.cert) };
    await assertRefused(await login({ headers }), NO_CERTIFICATE);
    const main = await httpsGet(`${node.server.url}/t/acme/login/certificate`, {
      ca: node.ca,
      headers,
    });
    assert.equal(main.status, 303);
    assert.equal(main.headers.location, `${node.mtlsUrl}/t/acme/login/certificate`);
    assert.equal(main.headers['set-cookie'], undefined);
  });
});

function pair(identity: { key: string; cert: string }): { key: string; cert: string } {
  return { key: identity.key, cert: identity.cert };
}
