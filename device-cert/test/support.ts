/**
 * Test setup: a real platform (PostgreSQL and Redis of the test harness, or PGlite and the
 * in-process store alone; a fresh key prefix per harness) with this
 * package's migrations, a manual clock started at the real time (so openssl, which uses the
 * system clock, agrees), and helpers that run the openssl CLI on temp files.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
