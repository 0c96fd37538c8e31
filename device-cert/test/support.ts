/**
 * Test setup: a real platform (PostgreSQL of the test harness, or PGlite alone) with this
 * package's migrations, a manual clock started at the real time (so openssl, which uses the
 * system clock, agrees), and helpers that run the openssl CLI on temp files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  user(tenant: Tenant, loginId: string): Promise<User>;
  close(): Promise<void>;
}

export const DEVICE = { os: 'macOS 15', deviceIdType: 'serial', deviceId: 'C02XYZ' };

export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-device-cert-'));
  const env: Record<string, string> = {
    DATA_DIR: dir,
    SEKISHO_DEMO_TENANT: 'false',
    LOG_LEVEL: 'silent',
  };
  let drop: (() => Promise<void>) | undefined;
  if (process.env.TEST_DATABASE_URL) {
    const db = await createDatabaseOn(process.env.TEST_DATABASE_URL);
    env.DATABASE_URL = db.url;
    drop = db.drop;
  }
  const clock = new ManualClock(Date.now());
  const platform = await openPlatform(loadConfig(env), { migrations: deviceCertMigrations, clock });
  return {
    platform,
    clock,
    certs: createDeviceCertService({ platform }),
    dir,
    tenant: (slug, maxDeviceCerts = 10) =>
      platform.tenants.create({ slug, name: `Tenant ${slug}`, maxDeviceCerts }),
    user: (tenant, loginId) =>
      platform.users.create(tenant.id, { loginId, displayName: loginId, email: loginId }),
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
