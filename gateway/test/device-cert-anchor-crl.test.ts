/**
 * The trust-anchor CRL admin API as an admin uses it: an external CA run with `openssl ca`
 * (as an MDM's), its CRL uploaded as DER, PEM or JSON, a revoked certificate then refused by
 * the verifier, removal, a refused upload as problem+json that changes nothing, who may do it,
 * and the audit trail; the URL the CRL is fetched from and the last fetch in the listing, the
 * CRL served by a real HTTP server on 127.0.0.1. Real app on a real PostgreSQL, real openssl.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDeviceCertService, type DeviceCertService } from '@sekisho/device-cert';
import { refreshDeviceCertAnchorCrls } from '../src/jobs/device-cert-jobs.ts';
import { deviceCertAdminKit } from './support/device-cert-admin-kit.ts';
import { startTestApp, type SeededTenant, type TestApp } from './support/test-app.ts';

/** An external CA with an `openssl ca` database: leaves, revocation, CRLs. */
class MdmCa {
  readonly dir = mkdtempSync(join(tmpdir(), 'sekisho-anchor-crl-api-'));
  #n = 0;
  constructor(cn: string) {
    writeFileSync(
      join(this.dir, 'ca.cnf'),
      '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nunique_subject = no\n' +
        'crlnumber = crlnumber\ndefault_md = sha256\ncertificate = ca.pem\n' +
        'private_key = ca.key\ndefault_crl_days = 7\n',
    );
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'crlnumber'), '1000\n');
    this.#run([
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem'],
      ...['-subj', `/O=Example MDM/CN=${cn}`, '-days', '30'],
      ...['-addext', 'basicConstraints=critical,CA:TRUE'],
      ...['-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ]);
  }
  #run(args: string[]) {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }
  get pem() {
    return readFileSync(join(this.dir, 'ca.pem'), 'utf8');
  }
  leaf(email: string): { pem: string; file: string } {
    const id = `leaf${++this.#n}`;
    this.#run([
      ...['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${id}.key`],
      ...['-out', `${id}.csr`, '-subj', `/CN=${id}`],
    ]);
    writeFileSync(
      join(this.dir, `${id}.cnf`),
      `[v3]\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\nsubjectAltName=email:${email}\n`,
    );
    this.#run([
      ...['x509', '-req', '-in', `${id}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key'],
      ...['-set_serial', String(5000 + this.#n), '-days', '10', '-extfile', `${id}.cnf`],
      ...['-extensions', 'v3', '-out', `${id}.pem`],
    ]);
    return { pem: readFileSync(join(this.dir, `${id}.pem`), 'utf8'), file: `${id}.pem` };
  }
  revoke(leaf: { file: string }) {
    this.#run(['ca', '-config', 'ca.cnf', '-revoke', leaf.file]);
  }
  /** The next CRL, as DER and PEM. */
  crl(): { der: Buffer; pem: string } {
    this.#run(['ca', '-config', 'ca.cnf', '-gencrl', '-out', 'crl.pem']);
    this.#run(['crl', '-in', 'crl.pem', '-outform', 'DER', '-out', 'crl.der']);
    return {
      der: readFileSync(join(this.dir, 'crl.der')),
      pem: readFileSync(join(this.dir, 'crl.pem'), 'utf8'),
    };
  }
  close() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface ApiCrl {
  thisUpdate: string;
  nextUpdate: string | null;
  crlNumber: string | null;
  revokedCount: number;
}

interface ApiAnchor {
  id: string;
  crl: ApiCrl | null;
  crlUrl: string | null;
  crlFetch: { at: string; ok: boolean; error: string | null } | null;
}

describe('trust-anchor CRL admin API', () => {
  let t: TestApp;
  let certs: DeviceCertService;
  /** The service as the job runs it where loopback is allowed (tests, local development). */
  let fetcher: DeviceCertService;
  let crlServer: Server;
  let served: (res: ServerResponse) => void = (res) => res.writeHead(404).end();
  let crlServerUrl: string;
  const cas: MdmCa[] = [];
  const newCa = (cn: string) => {
    const ca = new MdmCa(cn);
    cas.push(ca);
    return ca;
  };

  before(async () => {
    t = await startTestApp();
    certs = createDeviceCertService({ platform: t.platform });
    fetcher = createDeviceCertService({ platform: t.platform, crlFetch: { allowLoopback: true } });
    crlServer = createServer((_req, res) => served(res));
    await new Promise<void>((resolve) => crlServer.listen(0, '127.0.0.1', resolve));
    crlServerUrl = `http://127.0.0.1:${(crlServer.address() as AddressInfo).port}/mdm.crl`;
  });
  after(async () => {
    crlServer.closeAllConnections();
    await new Promise((resolve) => crlServer.close(resolve));
    for (const ca of cas) ca.close();
    await t.close();
  });

  const kit = deviceCertAdminKit(() => t, 'dcacrl');
  const { call, addUser, base, problem } = kit;
  const crlUrl = (s: SeededTenant, anchorId: string) => `${base(s)}/trust-anchors/${anchorId}/crl`;

  /** A tenant with a user, an anchor for `ca` added through the API, a good and a revoked leaf. */
  async function setup(ca: MdmCa) {
    const s = await kit.seed(10);
    const user = await addUser(s, 'alice');
    const add = await call('POST', `${base(s)}/trust-anchors`, s.token, {
      name: 'MDM',
      pem: ca.pem,
    });
    assert.equal(add.statusCode, 201, add.body);
    const anchorId = add.json<{ id: string }>().id;
    const good = ca.leaf(user.email);
    const lost = ca.leaf(user.email);
    ca.revoke(lost);
    return { s, anchorId, good, lost };
  }
  const verdict = async (s: SeededTenant, pem: string) => {
    const r = await certs.verifyClientCertificate(s.tenant.id, pem);
    return r.ok ? 'ok' : r.reason;
  };
  const auditOf = async (s: SeededTenant, action: string) =>
    (await t.platform.audit.search(s.tenant.id, { action, limit: 100 })).filter(
      (e) => e.action === action,
    );

  it('PUT application/pkix-crl stores the CRL (the revoked certificate is refused), DELETE removes it; both audited', async () => {
    const ca = newCa('api-mdm');
    const { s, anchorId, good, lost } = await setup(ca);
    assert.equal(await verdict(s, lost.pem), 'ok');
    const put = await call(
      'PUT',
      crlUrl(s, anchorId),
      s.token,
      ca.crl().der,
      'application/pkix-crl',
    );
    assert.equal(put.statusCode, 200, put.body);
    const crl = put.json<ApiCrl>();
    assert.equal(crl.crlNumber, String(0x1000));
    assert.equal(crl.revokedCount, 1);
    assert.ok(crl.nextUpdate && Date.parse(crl.nextUpdate) > Date.now() + 6 * 86_400_000);
    assert.equal(await verdict(s, lost.pem), 'revoked');
    assert.equal(await verdict(s, good.pem), 'ok');
    const [set] = await auditOf(s, 'device-cert.anchor-crl-set');
    assert.equal(set?.target_id, anchorId);
    assert.equal(set?.result, 'success');
    assert.deepEqual(set?.details, crl);
    const listed = async () =>
      (await call('GET', `${base(s)}/trust-anchors`, s.token))
        .json<{ anchors: { id: string; crl: ApiCrl | null }[] }>()
        .anchors.find((a) => a.id === anchorId)?.crl;
    assert.deepEqual(await listed(), crl, 'the anchor listing shows the CRL');

    const del = await call('DELETE', crlUrl(s, anchorId), s.token);
    assert.equal(del.statusCode, 204, del.body);
    assert.equal(await verdict(s, lost.pem), 'ok');
    assert.equal(await listed(), null);
    problem(await call('DELETE', crlUrl(s, anchorId), s.token), 404, 'ERR_NOT_FOUND');
    const removed = await auditOf(s, 'device-cert.anchor-crl-remove');
    assert.equal(removed.length, 1);
    assert.equal(removed[0]?.target_id, anchorId);
    assert.deepEqual(removed[0]?.details, crl);
  });

  it('a refused upload is a 400 problem naming the problem and changes nothing; PEM and JSON {pem} are accepted', async () => {
    const ca = newCa('api-refuse');
    const { s, anchorId, good, lost } = await setup(ca);
    const first = ca.crl();
    const stored = await call('PUT', crlUrl(s, anchorId), s.token, first.pem, 'text/plain');
    assert.equal(stored.statusCode, 200, stored.body);
    const summary = async () => (await certs.listTrustAnchors(s.tenant.id))[0]?.crl;
    let expected = await summary();
    const refused = async (body: Buffer | string | object, type: string, pattern: RegExp) => {
      const p = problem(
        await call('PUT', crlUrl(s, anchorId), s.token, body, type),
        400,
        'ERR_VALIDATION',
      );
      assert.match(p.problems?.map((x) => `${x.field}: ${x.message}`).join('; ') ?? '', pattern);
      assert.deepEqual(await summary(), expected);
      assert.equal(await verdict(s, lost.pem), 'revoked');
      assert.equal(await verdict(s, good.pem), 'ok');
    };
    await refused(Buffer.from('not a crl at all'), 'application/pkix-crl', /crl: is not a CRL/);
    const lookAlike = newCa('api-refuse');
    await refused(
      lookAlike.crl().der,
      'application/pkix-crl',
      /crl: .*signature that does not verify/,
    );
    const newer = ca.crl();
    assert.equal(
      (await call('PUT', crlUrl(s, anchorId), s.token, newer.pem, 'application/x-pem-file'))
        .statusCode,
      200,
    );
    expected = await summary();
    assert.equal(expected?.crlNumber, String(0x1001));
    await refused({ pem: first.pem }, 'application/json', /crl: is older than the stored CRL/);
    await refused({ pem: newer.pem, url: 'x' }, 'application/json', /url: is not allowed/);
    const viaJson = await call('PUT', crlUrl(s, anchorId), s.token, { pem: ca.crl().pem });
    assert.equal(viaJson.statusCode, 200, viaJson.body);
    assert.equal(viaJson.json<ApiCrl>().crlNumber, String(0x1002));
    // Only the accepted uploads are in the audit trail.
    assert.equal((await auditOf(s, 'device-cert.anchor-crl-set')).length, 3);
  });

  it('a read-only admin gets 403 and changes nothing; an unknown anchor is 404', async () => {
    const ca = newCa('api-ro');
    const { s, anchorId, lost } = await setup(ca);
    const crl = ca.crl();
    const ro = (
      await t.platform.tokens.create({ tenantId: s.tenant.id, name: 'ro', role: 'read_only_admin' })
    ).token;
    problem(
      await call('PUT', crlUrl(s, anchorId), ro, crl.der, 'application/pkix-crl'),
      403,
      'ERR_FORBIDDEN',
    );
    assert.equal(await verdict(s, lost.pem), 'ok');
    assert.equal(
      (await call('PUT', crlUrl(s, anchorId), s.token, crl.der, 'application/pkix-crl')).statusCode,
      200,
    );
    problem(await call('DELETE', crlUrl(s, anchorId), ro), 403, 'ERR_FORBIDDEN');
    assert.equal(await verdict(s, lost.pem), 'revoked');
    const other = await kit.seed(10);
    problem(
      await call('PUT', crlUrl(other, anchorId), other.token, crl.der, 'application/pkix-crl'),
      404,
      'ERR_NOT_FOUND',
    );
    problem(await call('DELETE', crlUrl(other, anchorId), other.token), 404, 'ERR_NOT_FOUND');
    assert.equal((await auditOf(s, 'device-cert.anchor-crl-remove')).length, 0);
  });

  it('PUT crl-url sets and clears where the CRL is fetched from (invalid URL 400, read-only 403, audited); the listing shows crlUrl and the last fetch', async () => {
    const ca = newCa('api-fetch');
    const { s, anchorId, lost } = await setup(ca);
    const urlOf = `${base(s)}/trust-anchors/${anchorId}/crl-url`;
    const anchorListed = async () =>
      (await call('GET', `${base(s)}/trust-anchors`, s.token))
        .json<{ anchors: ApiAnchor[] }>()
        .anchors.find((a) => a.id === anchorId);
    assert.deepEqual(
      { crlUrl: (await anchorListed())?.crlUrl, crlFetch: (await anchorListed())?.crlFetch },
      { crlUrl: null, crlFetch: null },
    );

    const set = await call('PUT', urlOf, s.token, { url: crlServerUrl });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json<ApiAnchor>().crlUrl, crlServerUrl);
    assert.equal(set.json<ApiAnchor>().crlFetch, null);
    const invalid = async (body: unknown, field: string) => {
      const p = problem(await call('PUT', urlOf, s.token, body), 400, 'ERR_VALIDATION');
      if (field) assert.equal(p.problems?.[0]?.field, field, JSON.stringify(p));
    };
    await invalid({ url: 'ftp://pki.example/mdm.crl' }, 'url');
    await invalid({ url: 'not a url' }, 'url');
    await invalid({ url: 'http://user:secret@pki.example/mdm.crl' }, 'url');
    await invalid({}, '');
    await invalid({ url: 5 }, '');
    const ro = (
      await t.platform.tokens.create({ tenantId: s.tenant.id, name: 'ro', role: 'read_only_admin' })
    ).token;
    problem(await call('PUT', urlOf, ro, { url: null }), 403, 'ERR_FORBIDDEN');
    assert.equal((await anchorListed())?.crlUrl, crlServerUrl, 'unchanged by the refusals');

    // The server fails first, then serves the CRL; the job's rounds record both.
    served = (res) => res.writeHead(500).end();
    const round = await refreshDeviceCertAnchorCrls(t.platform, fetcher);
    assert.equal(round?.failed, 1);
    assert.equal(
      await refreshDeviceCertAnchorCrls(t.platform, fetcher),
      undefined,
      'one round at a time',
    );
    let shown = await anchorListed();
    assert.equal(shown?.crl, null);
    assert.equal(shown?.crlFetch?.ok, false);
    assert.equal(shown?.crlFetch?.error, 'the server answered HTTP 500');
    const crl = ca.crl();
    served = (res) => res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl.der);
    assert.equal((await fetcher.refreshAnchorCrls()).updated, 1);
    shown = await anchorListed();
    assert.equal(shown?.crl?.crlNumber, String(0x1000));
    assert.deepEqual(
      { ok: shown?.crlFetch?.ok, error: shown?.crlFetch?.error },
      { ok: true, error: null },
    );
    assert.ok(Date.now() - Date.parse(shown?.crlFetch?.at ?? '') < 60_000);
    assert.equal(await verdict(s, lost.pem), 'revoked');

    const cleared = await call('PUT', urlOf, s.token, { url: null });
    assert.equal(cleared.statusCode, 200, cleared.body);
    shown = await anchorListed();
    assert.deepEqual(
      { crlUrl: shown?.crlUrl, crlFetch: shown?.crlFetch },
      { crlUrl: null, crlFetch: null },
    );
    assert.equal(shown?.crl?.crlNumber, String(0x1000), 'the stored CRL stays');
    const audited = await auditOf(s, 'device-cert.anchor-crl-url');
    assert.deepEqual(audited.map((e) => e.details).reverse(), [
      { url: crlServerUrl },
      { url: null },
    ]);
    const other = await kit.seed(10);
    problem(
      await call('PUT', `${base(other)}/trust-anchors/${anchorId}/crl-url`, other.token, {
        url: crlServerUrl,
      }),
      404,
      'ERR_NOT_FOUND',
    );
    assert.equal((await anchorListed())?.crlUrl, null, 'another tenant cannot set it');

    // Given when the anchor is added.
    const added = await call('POST', `${base(s)}/trust-anchors`, s.token, {
      name: 'MDM 2',
      pem: newCa('api-fetch-2').pem,
      crlUrl: crlServerUrl,
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.json<ApiAnchor>().crlUrl, crlServerUrl);
    const refused = problem(
      await call('POST', `${base(s)}/trust-anchors`, s.token, {
        name: 'MDM 3',
        pem: newCa('api-fetch-3').pem,
        crlUrl: 'file:///etc/passwd',
      }),
      400,
      'ERR_VALIDATION',
    );
    assert.equal(refused.problems?.[0]?.field, 'crlUrl');
  });
});
