/**
 * Trust-anchor CRLs fetched from their URL: an external CA run with `openssl ca` publishes its
 * CRLs on a real HTTP server on 127.0.0.1 (the service allows loopback, as tests and local
 * development do), and `refreshAnchorCrls()` — the job's round — fetches, checks and stores
 * them. Each test has its own database, since a round looks at every tenant's anchors.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ValidationError } from '@sekisho/platform';
import { createDeviceCertService, type DeviceCertService, type TrustAnchor } from '../src/index.ts';
import { CrlCa, startHarness, type Harness } from './support.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('trust-anchor CRLs fetched from their URL', () => {
  let h: Harness;
  let certs: DeviceCertService;
  let server: Server;
  let url: string;
  let requests = 0;
  /** What the CRL server answers; tests swap it. */
  let answer: (res: ServerResponse) => void = (res) => res.writeHead(404).end();
  const cas: CrlCa[] = [];
  const newCa = (subject: string) => {
    const ca = new CrlCa(subject);
    cas.push(ca);
    return ca;
  };
  const serve = (body: Uint8Array | string, status = 200) => {
    answer = (res) => res.writeHead(status, { 'content-type': 'application/pkix-crl' }).end(body);
  };

  beforeEach(async () => {
    h = await startHarness();
    certs = createDeviceCertService({ platform: h.platform, crlFetch: { allowLoopback: true } });
    requests = 0;
    server = createServer((_req, res) => {
      requests++;
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mdm.crl`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    for (const ca of cas.splice(0)) ca.close();
    await h.close();
  });

  /** A tenant with a user, an anchor for `ca` fetching from the test server. */
  async function setup(slug: string, ca: CrlCa) {
    const tenant = await h.tenant(slug);
    const email = `alice@${slug}.example`;
    await h.user(tenant, email);
    h.clock.set(new Date());
    const anchor = await certs.addTrustAnchor(tenant.id, { name: 'MDM', pem: ca.pem, crlUrl: url });
    assert.equal(anchor.crlUrl, url);
    assert.equal(anchor.crlFetch, null);
    return { tenant, anchor, email };
  }
  const listed = async (anchor: TrustAnchor) =>
    (await certs.listTrustAnchors(anchor.tenantId)).find((a) => a.id === anchor.id);
  const verdict = async (anchor: TrustAnchor, pem: string) => {
    const r = await certs.verifyClientCertificate(anchor.tenantId, pem);
    return r.ok ? 'ok' : r.reason;
  };
  const fetchAudits = async (anchor: TrustAnchor, result: 'success' | 'failure') =>
    (
      await h.platform.audit.search(anchor.tenantId, {
        action: 'device-cert.anchor-crl-fetch',
        limit: 100,
      })
    ).filter((e) => e.result === result && e.target_id === anchor.id);
  const refresh = async () => {
    const r = await certs.refreshAnchorCrls();
    assert.deepEqual(r.internalErrors, []);
    return { due: r.due, updated: r.updated, unchanged: r.unchanged, failed: r.failed };
  };

  test('a refresh stores the served CRL (the revoked certificate is denied), picks up a newer one after half its span, and the same CRL again changes nothing', async () => {
    const ca = newCa('/O=Example MDM/CN=fetch-mdm');
    const { anchor, email } = await setup('crl-fetch', ca);
    const good = ca.leaf(email);
    const lost = ca.leaf(email);
    ca.revoke(lost);
    const start = Math.floor(Date.now() / 1000) * 1000;
    const first = ca.crl({ from: new Date(start - 60_000), until: new Date(start + 2 * HOUR) });
    serve(first.der);
    h.clock.set(new Date(start));
    assert.deepEqual(await refresh(), { due: 1, updated: 1, unchanged: 0, failed: 0 });
    assert.equal(await verdict(anchor, lost.pem), 'revoked');
    assert.equal(await verdict(anchor, good.pem), 'ok');
    let shown = await listed(anchor);
    assert.equal(shown?.crl?.crlNumber, first.number);
    assert.deepEqual(shown?.crlFetch, { at: h.clock.now(), ok: true, error: null });
    const [stored] = await fetchAudits(anchor, 'success');
    assert.equal(stored?.details?.url, url);
    assert.equal(stored?.details?.crlNumber, first.number);

    // Fresh: not fetched again before half of its span.
    const asked = requests;
    h.clock.advance(50 * 60_000);
    assert.deepEqual(await refresh(), { due: 0, updated: 0, unchanged: 0, failed: 0 });
    assert.equal(requests, asked);

    ca.revoke(good);
    const second = ca.crl(); // 7 days
    serve(second.pem);
    h.clock.set(new Date(start + 62 * 60_000));
    assert.deepEqual(await refresh(), { due: 1, updated: 1, unchanged: 0, failed: 0 });
    assert.equal(requests, asked + 1);
    assert.equal(await verdict(anchor, good.pem), 'revoked');
    shown = await listed(anchor);
    assert.equal(shown?.crl?.crlNumber, second.number);
    assert.equal(shown?.crl?.revokedCount, 2);

    // Past half of the 7 days, the server still serves the same CRL: fetched, ok, no change.
    const before = shown?.crl;
    h.clock.set(new Date(start + 4 * DAY));
    assert.deepEqual(await refresh(), { due: 1, updated: 0, unchanged: 1, failed: 0 });
    assert.equal(requests, asked + 2);
    shown = await listed(anchor);
    assert.deepEqual(shown?.crl, before);
    assert.deepEqual(shown?.crlFetch, { at: h.clock.now(), ok: true, error: null });
    assert.equal((await fetchAudits(anchor, 'success')).length, 2, 'only stored CRLs audited');
    assert.equal((await fetchAudits(anchor, 'failure')).length, 0);
  });

  test('a failing server (500, garbage, a CRL of another CA, an older CRL) leaves the stored CRL, records the error, and is audited once per failure streak', async () => {
    const ca = newCa('/O=Example MDM/CN=fetch-fail');
    const { tenant, anchor, email } = await setup('crl-fetch-fail', ca);
    await h.admin(tenant, `admin@crl-fetch-fail.example`, 'en');
    const lost = ca.leaf(email);
    ca.revoke(lost);
    const older = ca.crl();
    const stored = ca.crl();
    serve(stored.der);
    assert.equal((await refresh()).updated, 1);
    const crl = (await listed(anchor))?.crl;
    h.clock.advance(4 * DAY); // due again; nextUpdate still 3 days away

    const fails = async (body: Uint8Array | string, status: number, error: RegExp) => {
      serve(body, status);
      assert.deepEqual(await refresh(), { due: 1, updated: 0, unchanged: 0, failed: 1 });
      const shown = await listed(anchor);
      assert.deepEqual(shown?.crl, crl, 'the stored CRL is kept');
      assert.equal(shown?.crlFetch?.ok, false);
      assert.match(shown?.crlFetch?.error ?? '', error);
      assert.equal(await verdict(anchor, lost.pem), 'revoked');
    };
    await fails('oops', 500, /the server answered HTTP 500/);
    await fails('not a crl', 200, /the file served is not a CRL/);
    const lookAlike = newCa('/O=Example MDM/CN=fetch-fail');
    await fails(lookAlike.crl().der, 200, /signature that does not verify with the trust anchor/);
    const failures = await fetchAudits(anchor, 'failure');
    assert.equal(failures.length, 1, 'one audit event for the whole streak');
    assert.equal(failures[0]?.reason, 'crl-fetch-failed');
    assert.deepEqual(failures[0]?.details, { url, error: 'the server answered HTTP 500' });

    // An older CRL served again is no error and no change (no rollback either).
    serve(older.der);
    assert.deepEqual(await refresh(), { due: 1, updated: 0, unchanged: 1, failed: 0 });
    assert.deepEqual((await listed(anchor))?.crl, crl);
    // After a success, the next failure starts a new streak.
    await fails('oops', 503, /HTTP 503/);
    assert.equal((await fetchAudits(anchor, 'failure')).length, 2);
    assert.deepEqual(await h.outbox(), [], 'no mail while the stored CRL has days left');
  });

  test("when fetches fail and the stored CRL's nextUpdate is within a day, the tenant's admins get one mail a day, in their language", async () => {
    const ca = newCa('/O=Example MDM/CN=fetch-alert');
    const { tenant, anchor } = await setup('crl-fetch-alert', ca);
    const en = await h.admin(tenant, 'it@crl-fetch-alert.example', 'en');
    const ja = await h.admin(tenant, 'joho@crl-fetch-alert.example', 'ja');
    const start = Math.floor(Date.now() / 1000) * 1000;
    const until = new Date(start + 20 * HOUR);
    serve(ca.crl({ from: new Date(start - 60_000), until }).der);
    h.clock.set(new Date(start));
    assert.equal((await refresh()).updated, 1);

    serve('down', 500);
    h.clock.set(new Date(start + 11 * HOUR)); // past half the span, 9 hours left
    assert.equal((await refresh()).failed, 1);
    assert.equal((await refresh()).failed, 1, 'a second failing round the same day');
    const mails = await h.outbox();
    assert.deepEqual(mails.map((m) => m.to).sort(), [en.email, ja.email].sort());
    const enMail = mails.find((m) => m.to === en.email);
    assert.match(enMail?.subject ?? '', /CRL of trust anchor "MDM" could not be renewed/);
    assert.ok(enMail?.text.includes(url), enMail?.text);
    assert.match(enMail?.text ?? '', /the server answered HTTP 500/);
    assert.ok(enMail?.text.includes(until.toISOString().slice(0, 16).replace('T', ' ')));
    assert.match(mails.find((m) => m.to === ja.email)?.subject ?? '', /CRL を更新できません/);

    h.clock.advance(DAY); // the next day, still failing (the CRL has now expired): one more each
    assert.equal((await refresh()).failed, 1);
    assert.equal((await h.outbox()).length, 4);
    assert.equal(
      await verdict(anchor, ca.leaf('alice@crl-fetch-alert.example').pem),
      'revocation-unknown',
    );
  });

  test('loopback and private addresses are refused unless the service allows them', async () => {
    const ca = newCa('/O=Example MDM/CN=fetch-ssrf');
    const { anchor } = await setup('crl-fetch-ssrf', ca);
    serve(ca.crl().der);
    const r = await h.certs.refreshAnchorCrls(); // created without crlFetch.allowLoopback
    assert.deepEqual({ due: r.due, failed: r.failed }, { due: 1, failed: 1 });
    assert.equal(requests, 0, 'nothing was sent to the loopback server');
    const shown = await listed(anchor);
    assert.equal(shown?.crl, null);
    assert.match(shown?.crlFetch?.error ?? '', /must not point at a loopback or private address/);
    assert.equal((await refresh()).updated, 1, 'allowed, the same URL works');
  });

  test('the URL is checked when saved; a new URL forgets the last outcome; null stops fetching', async () => {
    const ca = newCa('/O=Example MDM/CN=fetch-url');
    const { tenant, anchor } = await setup('crl-fetch-url', ca);
    const refused = (field: string, pattern: RegExp) => (e: unknown) =>
      e instanceof ValidationError &&
      e.problems[0]?.field === field &&
      pattern.test(e.problems[0].message);
    for (const bad of [
      'ftp://pki.example/ca.crl',
      'not a url',
      'http://user:pw@pki.example/ca.crl',
    ]) {
      await assert.rejects(
        certs.setAnchorCrlUrl(tenant.id, anchor.id, bad),
        refused('url', /./),
        bad,
      );
    }
    await assert.rejects(
      certs.addTrustAnchor(tenant.id, {
        name: 'x',
        pem: newCa('/CN=other').pem,
        crlUrl: 'file:///etc/passwd',
      }),
      refused('crlUrl', /http or https/),
    );
    serve('down', 500);
    await refresh();
    assert.equal((await listed(anchor))?.crlFetch?.ok, false);
    const same = await certs.setAnchorCrlUrl(tenant.id, anchor.id, url);
    assert.equal(same.crlFetch?.ok, false, 'the same URL keeps the outcome');
    const moved = await certs.setAnchorCrlUrl(tenant.id, anchor.id, `${url}?v=2`);
    assert.equal(moved.crlUrl, `${url}?v=2`);
    assert.equal(moved.crlFetch, null);
    const cleared = await certs.setAnchorCrlUrl(tenant.id, anchor.id, null);
    assert.equal(cleared.crlUrl, null);
    const asked = requests;
    assert.equal((await refresh()).due, 0);
    assert.equal(requests, asked);
    await assert.rejects(certs.setAnchorCrlUrl(tenant.id, randomUUID(), url), {
      code: 'ERR_NOT_FOUND',
    });
  });
});
