/**
 * Clients for the mutual-TLS tests: Node https with a client certificate, the openssl and curl
 * command lines (run asynchronously: the server lives in the test process), the key pair of an
 * issued certificate read back from its PKCS#12, and hand-made certificates for the denied
 * cases (signed with the tenant CA's key, or look-alikes), and a real node to run them on.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { sql } from 'kysely';
import { ManualClock, hashPassword, loadConfig, type Tenant, type User } from '@sekisho/platform';
import { createDatabaseOn } from '@sekisho/platform/test-support';
import {
  createDeviceCertService,
  type DeviceCertService,
  type LoginType,
} from '@sekisho/device-cert';
import { startServer, type RunningServer } from '../../src/server.ts';
import { TEST_PASSWORD } from './test-app.ts';

export interface ClientIdentity {
  key?: string;
  cert?: string;
  pfx?: Buffer;
  passphrase?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The client's local port: equal for two answers means one (kept-alive) connection. */
  localPort: number;
}

/** GET over real TLS, trusting exactly `ca` (the server's certificate). */
export function httpsGet(
  url: string,
  options: ClientIdentity & { ca: string; agent?: Agent; headers?: Record<string, string> },
): Promise<Answer> {
  const { ca, agent, headers, ...identity } = options;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca, ...identity, ...(agent ? { agent } : { agent: false }), headers: headers ?? {} },
      (res) => {
        let body = '';
        const localPort = res.socket.localPort ?? 0;
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, localPort }),
        );
      },
    );
    req.on('error', reject).end();
  });
}

/** The `name=value` pairs of Set-Cookie, for a Cookie header. */
export function cookiesOf(answer: Answer): string {
  const set = answer.headers['set-cookie'] ?? [];
  return (Array.isArray(set) ? set : [set]).map((c) => c.split(';')[0]).join('; ');
}

/** Runs a command with files in a fresh dir and `stdin`; resolves with stdout+stderr. */
export function run(
  command: 'openssl' | 'curl',
  args: string[],
  files: Record<string, string | Buffer> = {},
  stdin = '',
): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), `sekisho-${command}-`));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, timeout: 30_000 });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, out });
    });
    child.stdin.end(stdin);
  });
}

/** The key and certificate (PEM) of an issued certificate, read from its legacy PKCS#12. */
export async function keyPairOf(
  certs: DeviceCertService,
  tenantId: string,
  certId: string,
): Promise<{ key: string; cert: string }> {
  const password = 'test-p12-password';
  const der = await certs.pkcs12(tenantId, certId, { password, legacy: true });
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), password);
  const bagType = forge.pki.oids.pkcs8ShroudedKeyBag ?? '1.2.840.113549.1.12.10.1.2';
  const keyBag = p12.getBags({ bagType })[bagType]?.[0];
  const record = await certs.get(tenantId, certId);
  if (!keyBag?.key || !record) throw new Error('no key in the PKCS#12');
  return { key: forge.pki.privateKeyToPem(keyBag.key), cert: record.certificatePem };
}

/**
 * A certificate made by hand, claiming the issuer name of `issuerPem`:
 * - with `signKeyPem` (the tenant CA's key) it chains to the CA but was never issued by us;
 * - without it, it is signed by its own key: a look-alike. `selfSigned` makes it carry the
 *   CA's own subject too; `subjectPem` copies the subject of a real device certificate.
 */
export function forgeClientCert(opts: {
  issuerPem: string;
  signKeyPem?: string;
  subjectPem?: string;
  selfSigned?: boolean;
  clientAuth: boolean;
}): { key: string; cert: string } {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  cert.serialNumber = '4F' + forge.util.bytesToHex(forge.random.getBytesSync(15));
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const issuer = forge.pki.certificateFromPem(opts.issuerPem).subject.attributes;
  const subject = opts.selfSigned
    ? issuer
    : opts.subjectPem
      ? forge.pki.certificateFromPem(opts.subjectPem).subject.attributes
      : [{ name: 'commonName', value: 'hand-made' }];
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions([
    { name: 'extKeyUsage', ...(opts.clientAuth ? { clientAuth: true } : { serverAuth: true }) },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(opts.signKeyPem ?? key), forge.md.sha256.create());
  return { key, cert: forge.pki.certificateToPem(cert) };
}

/** An external CA (as an MDM's), and a client certificate it issues for an e-mail address. */
export function externalCa(name: string): {
  cert: string;
  key: string;
  issue(email: string): { cert: string; key: string };
} {
  const make = (subject: string, issuer: forge.pki.CertificateField[] | undefined) => {
    const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
    cert.validity.notBefore = new Date(Date.now() - 3_600_000);
    cert.validity.notAfter = new Date(Date.now() + 30 * 86_400_000);
    cert.setSubject([{ name: 'commonName', value: subject }]);
    cert.setIssuer(issuer ?? cert.subject.attributes);
    return { keys, cert };
  };
  const ca = make(name, undefined);
  ca.cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.cert.sign(ca.keys.privateKey, forge.md.sha256.create());
  return {
    cert: forge.pki.certificateToPem(ca.cert),
    key: forge.pki.privateKeyToPem(ca.keys.privateKey),
    issue(email) {
      const leaf = make(email, ca.cert.subject.attributes);
      leaf.cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', clientAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 1, value: email }] },
      ]);
      leaf.cert.sign(ca.keys.privateKey, forge.md.sha256.create());
      return {
        cert: forge.pki.certificateToPem(leaf.cert),
        key: forge.pki.privateKeyToPem(leaf.keys.privateKey),
      };
    },
  };
}

export interface MtlsNode {
  server: RunningServer;
  clock: ManualClock;
  certs: DeviceCertService;
  /** The server's TLS certificate, which clients trust. */
  ca: string;
  /** The mTLS listener's URL (https://127.0.0.1:<port>). */
  mtlsUrl: string;
  tenant(slug: string): Promise<Tenant>;
  /** A user with a password and a device certificate of that login type, with its key. */
  userWithCert(
    tenant: Tenant,
    loginType: LoginType,
    options?: { validityDays?: number },
  ): Promise<{ user: User; certId: string; key: string; cert: string }>;
  /** The tenant CA's certificate and private key (to sign hand-made certificates). */
  caOf(tenant: Tenant): Promise<{ cert: string; key: string }>;
  close(): Promise<void>;
}

/**
 * A real node (startServer) with MTLS_PORT=0 on loopback, a manual clock started at the real
 * time (the handshake checks validity at the system time), a fresh database on the harness's
 * PostgreSQL when there is one. `env` adds settings.
 */
export async function startMtlsNode(env: Record<string, string> = {}): Promise<MtlsNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-mtls-'));
  let drop: (() => Promise<void>) | undefined;
  const dbEnv: Record<string, string> = {};
  if (process.env.TEST_DATABASE_URL) {
    const db = await createDatabaseOn(process.env.TEST_DATABASE_URL);
    dbEnv.DATABASE_URL = db.url;
    drop = db.drop;
  }
  const config = loadConfig({
    ...{ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', MTLS_PORT: '0' },
    ...{ PUBLIC_URL: 'https://127.0.0.1:8443', SEKISHO_DEMO_TENANT: 'false', LOG_LEVEL: 'silent' },
    ...dbEnv,
    ...env,
  });
  const clock = new ManualClock(Date.now());
  const server = await startServer(config, { logger: false, clock });
  const certs = createDeviceCertService({ platform: server.platform });
  const { platform } = server;
  let n = 0;
  return {
    server,
    clock,
    certs,
    ca: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8'),
    mtlsUrl: server.mtls?.url ?? '',
    async tenant(slug) {
      const tenant = await platform.tenants.create({ slug, name: slug, maxDeviceCerts: 50 });
      await certs.ensureCa(tenant.id);
      await server.mtls?.refresh();
      return tenant;
    },
    async userWithCert(tenant, loginType, options = {}) {
      n += 1;
      const loginId = `user${n}@${tenant.slug}.example`;
      const user = await platform.users.create(
        tenant.id,
        { loginId, displayName: `User ${n}`, email: loginId },
        await hashPassword(TEST_PASSWORD),
      );
      const issued = await certs.issue(tenant.id, {
        userId: user.id,
        device: { os: 'macOS 15', deviceIdType: 'serial', deviceId: `C02-${n}` },
        loginType,
        ...options,
      });
      return { user, certId: issued.id, ...(await keyPairOf(certs, tenant.id, issued.id)) };
    },
    async caOf(tenant) {
      const { rows } = await sql<{ certificate_pem: string; private_key_sealed: string }>`
        SELECT certificate_pem, private_key_sealed FROM device_cas WHERE tenant_id = ${tenant.id}
      `.execute(platform.store.db);
      const row = rows[0];
      if (!row) throw new Error('no tenant CA');
      const key = platform.secretBox.open(row.private_key_sealed, `device-ca:${tenant.id}`);
      return { cert: row.certificate_pem, key: key.toString() };
    },
    async close() {
      await server.close();
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
