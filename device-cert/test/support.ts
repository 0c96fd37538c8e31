/**
 * Test setup: a real platform (PostgreSQL and Redis of the test harness, or PGlite and the
 * in-process store alone; a fresh key prefix per harness) with this
 * package's migrations, a manual clock started at the real time (so openssl, which uses the
 * system clock, agrees), helpers that run the openssl CLI on temp files, and an external CA
 * with CRLs (`CrlCa`) for trust-anchor tests.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ManualClock,
  loadConfig,
  openPlatform,
  type Platform,
  type Tenant,
  type User,
} from '@sekisho/platform';
import { createDatabaseOn } from '@sekisho/platform/test-support';
import { simpleParser } from 'mailparser';
import {
  createDeviceCertService,
  deviceCertMigrations,
  type DeviceCertService,
} from '../src/index.ts';

export interface Harness {
  platform: Platform;
  clock: ManualClock;
  certs: DeviceCertService;
  dir: string;
  tenant(slug: string, maxDeviceCerts?: number): Promise<Tenant>;
  user(tenant: Tenant, loginId: string, locale?: 'ja' | 'en'): Promise<User>;
  /** A user of the tenant holding the global admin role. */
  admin(tenant: Tenant, loginId: string, locale?: 'ja' | 'en'): Promise<User>;
  /** Mails written to the outbox so far, oldest first, decoded. */
  outbox(): Promise<SentMail[]>;
  close(): Promise<void>;
}

export interface SentMail {
  to: string;
  subject: string;
  text: string;
}

export const DEVICE = { os: 'macOS 15', deviceIdType: 'serial', deviceId: 'C02XYZ' };

export const PUBLIC_URL = 'https://sekisho.test:8443';

/** `extraEnv` adds settings (e.g. an unreachable SMTP_URL to make mail fail). */
export async function startHarness(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-device-cert-'));
  const env: Record<string, string> = {
    DATA_DIR: dir,
    SEKISHO_DEMO_TENANT: 'false',
    LOG_LEVEL: 'silent',
    PUBLIC_URL,
    ...extraEnv,
  };
  let drop: (() => Promise<void>) | undefined;
  if (process.env.TEST_DATABASE_URL) {
    const db = await createDatabaseOn(process.env.TEST_DATABASE_URL);
    env.DATABASE_URL = db.url;
    drop = db.drop;
  }
  if (process.env.TEST_REDIS_URL) env.REDIS_URL = process.env.TEST_REDIS_URL;
  const clock = new ManualClock(Date.now());
  const platform = await openPlatform(loadConfig(env), {
    migrations: deviceCertMigrations,
    clock,
    kvPrefix: `device-cert-test:${randomUUID()}:`,
  });
  return {
    platform,
    clock,
    certs: createDeviceCertService({ platform }),
    dir,
    tenant: (slug, maxDeviceCerts = 10) =>
      platform.tenants.create({ slug, name: `Tenant ${slug}`, maxDeviceCerts }),
    user: (tenant, loginId, locale) =>
      platform.users.create(tenant.id, {
        loginId,
        displayName: loginId,
        email: loginId,
        ...(locale && { locale }),
      }),
    async admin(tenant, loginId, locale) {
      const u = await platform.users.create(tenant.id, {
        loginId,
        displayName: loginId,
        email: loginId,
        ...(locale && { locale }),
      });
      await platform.admins.grant(tenant.id, u.id, 'global_admin');
      return u;
    },
    async outbox() {
      const out = join(dir, 'outbox');
      if (!existsSync(out)) return [];
      const files = readdirSync(out)
        .filter((f) => f.endsWith('.eml'))
        .sort();
      return Promise.all(
        files.map(async (f) => {
          const mail = await simpleParser(readFileSync(join(out, f)));
          const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
          return {
            to: to?.value[0]?.address ?? '',
            subject: mail.subject ?? '',
            text: mail.text ?? '',
          };
        }),
      );
    },
    async close() {
      await platform.close();
      await drop?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs openssl with the given files written into a fresh dir; returns its output (both streams). */
export function openssl(
  args: string[],
  files: Record<string, string | Buffer> = {},
): { ok: boolean; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-openssl-test-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const r = spawnSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: r.status === 0, out: `${r.stdout.toString()}${r.stderr.toString()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** openssl's time format for -crl_lastupdate / -crl_nextupdate. */
export const opensslTime = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/**
 * An external CA (an MDM's) with an `openssl ca` database: leaves, revocation (`openssl ca
 * -revoke`) and CRLs (`openssl ca -gencrl`) with real CRL numbers, as such a CA publishes them.
 */
export class CrlCa {
  readonly dir = mkdtempSync(join(tmpdir(), 'sekisho-anchor-crl-'));
  #leaves = 0;
  #crls = 0;
  constructor(
    subject: string,
    opts: { keyUsage?: string; keyOf?: CrlCa; crlNumbers?: boolean } = {},
  ) {
    const config = [
      '[ca]',
      'default_ca = ca_default',
      '[ca_default]',
      'database = index.txt',
      'unique_subject = no',
      ...(opts.crlNumbers === false ? [] : ['crlnumber = crlnumber']),
      'default_md = sha256',
      'certificate = ca.pem',
      'private_key = ca.key',
      'default_crl_days = 7',
      '[critical_idp]',
      'issuingDistributionPoint = critical, @idp',
      '[idp]',
      'fullname = URI:http://mdm.example/partition-1.crl',
    ];
    writeFileSync(join(this.dir, 'ca.cnf'), config.join('\n') + '\n');
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'crlnumber'), '1000\n');
    if (opts.keyOf) copyFileSync(join(opts.keyOf.dir, 'ca.key'), join(this.dir, 'ca.key'));
    this.#run([
      ...['req', '-x509', '-nodes', '-out', 'ca.pem', '-subj', subject, '-days', '30'],
      ...(opts.keyOf ? ['-key', 'ca.key'] : ['-newkey', 'rsa:2048', '-keyout', 'ca.key']),
      ...['-addext', 'basicConstraints=critical,CA:TRUE'],
      ...['-addext', `keyUsage=critical,${opts.keyUsage ?? 'keyCertSign,cRLSign'}`],
    ]);
  }
  #run(args: string[]): string {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' }).toString();
  }
  get pem(): string {
    return readFileSync(join(this.dir, 'ca.pem'), 'utf8');
  }
  /** A clientAuth leaf naming `email`; `serial` as openssl's -set_serial takes it. */
  leaf(email: string, serial?: string): { pem: string; file: string } {
    const id = `leaf${++this.#leaves}`;
    this.#run([
      ...['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${id}.key`],
      ...['-out', `${id}.csr`, '-subj', `/CN=${id}`],
    ]);
    const ext = ['[v3]', 'basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=clientAuth'];
    writeFileSync(
      join(this.dir, `${id}.cnf`),
      [...ext, `subjectAltName=email:${email}`, ''].join('\n'),
    );
    this.#run([
      ...['x509', '-req', '-in', `${id}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key'],
      ...['-set_serial', serial ?? String(2000 + this.#leaves), '-days', '10'],
      ...['-extfile', `${id}.cnf`, '-extensions', 'v3', '-out', `${id}.pem`],
    ]);
    return { pem: readFileSync(join(this.dir, `${id}.pem`), 'utf8'), file: `${id}.pem` };
  }
  revoke(leaf: { file: string }): void {
    this.#run(['ca', '-config', 'ca.cnf', '-revoke', leaf.file]);
  }
  /** A CRL of everything revoked so far: PEM, DER, and its CRL number as openssl reads it. */
  crl(opts: { hours?: number; from?: Date; until?: Date; critical?: boolean } = {}) {
    const out = `crl${++this.#crls}`;
    this.#run([
      ...['ca', '-config', 'ca.cnf', '-gencrl', '-out', `${out}.pem`],
      ...(opts.hours ? ['-crlhours', String(opts.hours)] : []),
      ...(opts.from ? ['-crl_lastupdate', opensslTime(opts.from)] : []),
      ...(opts.until ? ['-crl_nextupdate', opensslTime(opts.until)] : []),
      ...(opts.critical ? ['-crlexts', 'critical_idp'] : []),
    ]);
    this.#run(['crl', '-in', `${out}.pem`, '-outform', 'DER', '-out', `${out}.der`]);
    const number = /crlNumber=(0x[0-9A-F]+)/i.exec(
      this.#run(['crl', '-in', `${out}.pem`, '-noout', '-crlnumber']),
    )?.[1];
    return {
      pem: readFileSync(join(this.dir, `${out}.pem`), 'utf8'),
      der: new Uint8Array(readFileSync(join(this.dir, `${out}.der`))),
      number: number === undefined ? null : BigInt(number).toString(),
    };
  }
  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
