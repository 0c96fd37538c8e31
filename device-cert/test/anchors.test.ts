/**
 * External trust anchors: a real external CA made with the openssl CLI (as an MDM or a
 * commercial device-ID CA would be), its leaf certificates signed by openssl too.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isSekishoError, type Tenant } from '@sekisho/platform';
import { DEVICE, startHarness, type Harness } from './support.ts';

class ExternalCa {
  readonly dir = mkdtempSync(join(tmpdir(), 'sekisho-anchor-'));
  #n = 0;
  readonly name: string;
  constructor(name: string, days = 30, ca = true) {
    this.name = name;
    const ext = ca
      ? [
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=critical,keyCertSign,cRLSign',
        ]
      : ['-addext', 'basicConstraints=critical,CA:FALSE'];
    this.#run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-subj',
      `/O=Example MDM/CN=${name}`,
      '-days',
      String(days),
      ...ext,
    ]);
  }
  #run(args: string[]) {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }
  get pem(): string {
    return readFileSync(join(this.dir, `${this.name}.pem`), 'utf8');
  }
  /** A leaf signed by this CA; `eku` false leaves out clientAuth. */
  leaf(opts: { cn: string; email?: string; san?: string; eku?: boolean; days?: number }): string {
    const id = `leaf${++this.#n}`;
    const subj = `/CN=${opts.cn}${opts.email ? `/emailAddress=${opts.email}` : ''}`;
    this.#run([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${id}.key`,
      '-out',
      `${id}.csr`,
      '-subj',
      subj,
    ]);
    const ext = [
      '[v3]',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      opts.eku === false ? 'extendedKeyUsage=serverAuth' : 'extendedKeyUsage=clientAuth',
      ...(opts.san ? [`subjectAltName=${opts.san}`] : []),
    ].join('\n');
    writeFileSync(join(this.dir, `${id}.cnf`), ext + '\n');
    this.#run([
      'x509',
      '-req',
      '-in',
      `${id}.csr`,
      '-CA',
      `${this.name}.pem`,
      '-CAkey',
      `${this.name}.key`,
      '-set_serial',
      String(1000 + this.#n),
      '-days',
      String(opts.days ?? 10),
      '-extfile',
      `${id}.cnf`,
      '-extensions',
      'v3',
      '-out',
      `${id}.pem`,
    ]);
    return readFileSync(join(this.dir, `${id}.pem`), 'utf8');
  }
  close() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('external trust anchors', () => {
  let h: Harness;
  // openssl stamps its certificates with the system time: bring the manual clock up to it.
  const verify = (tenantId: string, pem: string) => {
    h.clock.set(new Date());
    return h.certs.verifyClientCertificate(tenantId, pem);
  };
  const addAnchor = (
    tenantId: string,
    input: Parameters<Harness['certs']['addTrustAnchor']>[1],
  ) => {
    if (h.clock.now() < new Date()) h.clock.set(new Date());
    return h.certs.addTrustAnchor(tenantId, input);
  };
  let mdm: ExternalCa;
  let t: Tenant;
  before(async () => {
    h = await startHarness();
    mdm = new ExternalCa('mdm-ca');
    t = await h.tenant('anchors', 1);
  });
  after(async () => {
    mdm.close();
    await h.close();
  });

  test('accepts a certificate from an uploaded anchor, by email, with the anchor login type, uncounted', async () => {
    const alice = await h.user(t, 'alice@anchors.example');
    const anchor = await addAnchor(t.id, {
      name: 'Our MDM',
      pem: mdm.pem,
      loginType: 'passwordless',
    });
    assert.equal(anchor.userMatch, 'email');
    assert.match(anchor.subject, /CN=mdm-ca/);
    assert.deepEqual(
      (await h.certs.listTrustAnchors(t.id)).map((a) => a.id),
      [anchor.id],
    );
    const leaf = mdm.leaf({ cn: 'device 42', san: 'email:Alice@anchors.example' });
    const r = await verify(t.id, leaf);
    assert.ok(r.ok && r.source === 'trust-anchor');
    assert.equal(r.user.id, alice.id);
    assert.equal(r.loginType, 'passwordless');
    assert.equal(r.certificate.anchorId, anchor.id);
    assert.match(r.certificate.id, /^ext:[0-9a-f]{64}$/);
    const bySubject = mdm.leaf({ cn: 'device 43', email: 'alice@anchors.example' });
    assert.ok((await verify(t.id, bySubject)).ok);
    // Anchored certificates are not ours: nothing listed, the contract of 1 is still free.
    assert.equal((await h.certs.list(t.id)).length, 0);
    await h.certs.issue(t.id, { userId: alice.id, device: DEVICE, loginType: 'personal' });
    // Copy detection works for them too (no row to update or suspend).
    const use = { ip: '198.51.100.1', userAgent: 'UA', sessionId: 'a' };
    assert.deepEqual(await h.certs.recordUse(t.id, r.certificate.id, use), {
      copySuspected: false,
    });
  });

  test('maps CN = login ID when the anchor says so', async () => {
    const ca = new ExternalCa('login-ca');
    try {
      const t2 = await h.tenant('anchors-cn');
      const bob = await h.user(t2, 'bob@anchors-cn.example');
      await addAnchor(t2.id, { name: 'CN CA', pem: ca.pem, userMatch: 'login_id' });
      const r = await verify(t2.id, ca.leaf({ cn: 'bob@anchors-cn.example' }));
      assert.ok(r.ok);
      assert.equal(r.user.id, bob.id);
      assert.equal(r.loginType, 'personal');
      assert.deepEqual(await verify(t2.id, ca.leaf({ cn: 'nobody@anchors-cn.example' })), {
        ok: false,
        reason: 'unknown-user',
      });
    } finally {
      ca.close();
    }
  });

  test('refuses a non-CA certificate, garbage, an expired CA, a duplicate and bad options', async () => {
    const t3 = await h.tenant('anchors-bad');
    const notCa = new ExternalCa('not-a-ca', 30, false);
    try {
      const refused = async (pem: string, pattern: RegExp) =>
        assert.rejects(addAnchor(t3.id, { name: 'x', pem }), (e) => {
          return (
            isSekishoError(e) &&
            e.code === 'ERR_DEVICE_CERT_ANCHOR_INVALID' &&
            pattern.test(String(e.params.problem))
          );
        });
      await refused(notCa.pem, /not a CA/);
      await refused('garbage', /not a PEM/);
      await refused(mdm.leaf({ cn: 'leaf', san: 'email:x@y.example' }), /not a CA/);
      h.clock.advance(31 * 86_400_000);
      await refused(mdm.pem, /expired/);
      h.clock.set(new Date());
      await addAnchor(t3.id, { name: 'once', pem: mdm.pem });
      await refused(mdm.pem, /already/);
      await assert.rejects(
        addAnchor(t3.id, {
          name: '',
          pem: mdm.pem,
          loginType: 'root' as 'shared',
          userMatch: 'cn' as 'email',
        }),
        (e) => isSekishoError(e) && /name.*loginType.*userMatch/.test(e.message),
      );
      assert.equal((await h.certs.listTrustAnchors(t3.id)).length, 1);
    } finally {
      notCa.close();
    }
  });

  test('denies anchored certificates without clientAuth, of a suspended user, of another CA, after removal', async () => {
    const t4 = await h.tenant('anchors-deny');
    const carol = await h.user(t4, 'carol@anchors-deny.example');
    await h.user(t4, 'dave@anchors-deny.example');
    const anchor = await addAnchor(t4.id, { name: 'MDM', pem: mdm.pem });
    const good = mdm.leaf({ cn: 'c', san: 'email:carol@anchors-deny.example' });
    assert.ok((await verify(t4.id, good)).ok);
    const deny = async (pem: string, reason: string, tenantId = t4.id) =>
      assert.deepEqual(await verify(tenantId, pem), { ok: false, reason });
    await deny(
      mdm.leaf({ cn: 'c', san: 'email:carol@anchors-deny.example', eku: false }),
      'wrong-usage',
    );
    await deny(
      mdm.leaf({
        cn: 'two',
        san: 'email:carol@anchors-deny.example,email:dave@anchors-deny.example',
      }),
      'unknown-user',
    );
    await deny(mdm.leaf({ cn: 'x', san: 'email:stranger@anchors-deny.example' }), 'unknown-user');
    // Same names, other key: a look-alike of the MDM CA signs nothing we accept.
    const lookAlike = new ExternalCa('mdm-ca');
    try {
      await deny(
        lookAlike.leaf({ cn: 'c', san: 'email:carol@anchors-deny.example' }),
        'unknown-issuer',
      );
    } finally {
      lookAlike.close();
    }
    const elsewhere = await h.tenant('anchors-elsewhere');
    await h.user(elsewhere, 'carol@anchors-deny.example');
    await deny(good, 'unknown-issuer', elsewhere.id);
    await h.platform.users.setStatus(t4.id, carol.id, 'suspended');
    await deny(good, 'user-inactive');
    await h.platform.users.setStatus(t4.id, carol.id, 'active');
    await h.certs.removeTrustAnchor(t4.id, anchor.id);
    await deny(good, 'unknown-issuer');
    await assert.rejects(h.certs.removeTrustAnchor(t4.id, anchor.id), { code: 'ERR_NOT_FOUND' });
  });
});
