/**
 * Builds a real Sekisho app in-process for tests: real PGlite (or PostgreSQL when
 * `databaseUrl` is given), the real ephemeral store, the outbox mailer in a temp dir.
 * Nothing is mocked; `close()` removes the temp dir.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  hashPassword,
  loadConfig,
  openPlatform,
  type Clock,
  type Platform,
  type Tenant,
  type User,
} from '@sekisho/platform';
import { createDatabaseOn } from '@sekisho/platform/test-support';
import { buildApp } from '../../src/app.ts';
import { FEATURE_MIGRATIONS } from '../../src/migrations.ts';

export interface TestApp {
  app: FastifyInstance;
  platform: Platform;
  dataDir: string;
  /** Mails written to the outbox, oldest first, as raw RFC 5322 text. */
  outbox(): string[];
  close(): Promise<void>;
}

/**
 * Under the test harness (TEST_DATABASE_URL set) each app gets a fresh database on the
 * harness's PostgreSQL server, which is quicker to create than an embedded PGlite; alone,
 * it uses PGlite. Pass DATABASE_URL in `env` to choose yourself.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  clock?: Clock,
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-test-'));
  let dropDb: (() => Promise<void>) | undefined;
  if (!env.DATABASE_URL && process.env.TEST_DATABASE_URL) {
    const db = await createDatabaseOn(process.env.TEST_DATABASE_URL);
    env = { ...env, DATABASE_URL: db.url };
    dropDb = db.drop;
  }
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    SEKISHO_DEMO_TENANT: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const platform = await openPlatform(config, {
    migrations: FEATURE_MIGRATIONS,
    ...(clock && { clock }),
  });
  const app = await buildApp(platform, { logger: false });
  await app.ready();
  return {
    app,
    platform,
    dataDir,
    outbox() {
      const dir = join(dataDir, 'outbox');
      if (!existsSync(dir)) return [];
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.eml'))
        .sort();
      return files.map((f) => readFileSync(join(dir, f), 'utf8'));
    },
    async close() {
      await app.close();
      await platform.close();
      await dropDb?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SeededTenant {
  tenant: Tenant;
  admin: User;
  adminPassword: string;
  /** A global-admin API token of this tenant. */
  token: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** A tenant with one global admin (password TEST_PASSWORD) and a global-admin API token. */
export async function seedTenant(
  platform: Platform,
  slug: string,
  maxUsers = 100,
): Promise<SeededTenant> {
  const tenant = await platform.tenants.create({ slug, name: `Tenant ${slug}`, maxUsers });
  const admin = await platform.users.create(
    tenant.id,
    { loginId: `admin@${slug}.example`, displayName: 'Admin' },
    await hashPassword(TEST_PASSWORD),
  );
  await platform.admins.grant(tenant.id, admin.id, 'global_admin');
  const { token } = await platform.tokens.create({
    tenantId: tenant.id,
    name: 'test',
    role: 'global_admin',
  });
  return { tenant, admin, adminPassword: TEST_PASSWORD, token };
}

export async function operatorToken(platform: Platform): Promise<string> {
  return (await platform.tokens.create({ tenantId: null, name: 'operator', role: 'operator' }))
    .token;
}
