/**
 * The whole product for the Lock browser tests: Sekisho (startTestApp, so the real database
 * and shared store) listening over HTTP on 127.0.0.1 — a secure context, so the Lock app's
 * service worker, WebCrypto and IndexedDB run as on a phone over HTTPS — with one tenant, its
 * admin, and the test push service standing in for the phone's push service.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig, openPlatform } from '@sekisho/platform';
import { createDatabaseOn, freePort } from '@sekisho/platform/test-support';
import { FEATURE_MIGRATIONS, buildApp } from '@sekisho/gateway';
import { createLockService } from '@sekisho/lock-app';
import type { TestPushService } from '../../../lock-app/test-support/push-service.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  type SeededTenant,
} from '../../../gateway/test/support/test-app.ts';
import { readOutbox } from './outbox.ts';

export interface LockSite {
  seeded: SeededTenant;
  /** `http://127.0.0.1:{port}` */
  origin: string;
  slug: string;
  /** The Lock app's URL (its service worker scope). */
  appUrl: string;
  /** The admin API of the tenant, with the tenant's global-admin token. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
  /** A user with the test password, in no policy group. */
  /** Mails written to the outbox, oldest first, as raw RFC 5322 text. */
  outbox(): string[];
  createUser(loginId: string): Promise<{ id: string; loginId: string }>;
  close(): Promise<void>;
}

/**
 * Like gateway/test/support/test-app.ts's startTestApp (a fresh database on the harness's
 * PostgreSQL, or PGlite alone), with the Lock service sending its pushes to `push`: the
 * only change from production is that a loopback push endpoint and its certificate are
 * trusted.
 */
export async function startLockSite(slug: string, push: TestPushService): Promise<LockSite> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-lock-test-'));
  const db = process.env.TEST_DATABASE_URL
    ? await createDatabaseOn(process.env.TEST_DATABASE_URL)
    : undefined;
  const config = loadConfig({
    ...{ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: origin },
    ...{ SEKISHO_DEMO_TENANT: 'false', LOG_LEVEL: 'silent' },
    ...(db && { DATABASE_URL: db.url }),
  });
  const platform = await openPlatform(config, { migrations: FEATURE_MIGRATIONS });
  const lock = createLockService({
    platform,
    allowInsecurePushEndpoints: true,
    pushAgent: push.agent,
  });
  const app = await buildApp(platform, { logger: false, lock });
  await app.listen({ host: '127.0.0.1', port });
  const seeded = await seedTenant(platform, slug);
  // The admin has an address, so Lock's alerts to the tenant's admins reach the outbox.
  await platform.users.update(seeded.tenant.id, seeded.admin.id, { email: seeded.admin.loginId });
  const api: LockSite['api'] = async (method, path, body) => {
    const res = await app.inject({
      method: method as 'GET',
      url: `/api/tenants/${slug}${path}`,
      headers: { authorization: `Bearer ${seeded.token}` },
      ...(body !== undefined && { payload: body as object }),
    });
    return { status: res.statusCode, body: res.body };
  };
  return {
    seeded,
    origin,
    slug,
    appUrl: `${origin}/t/${slug}/lock/`,
    api,
    outbox: () => readOutbox(dataDir),
    async createUser(loginId) {
      const res = await api('POST', '/users', {
        loginId,
        displayName: loginId,
        email: loginId,
        password: TEST_PASSWORD,
      });
      assert.equal(res.status, 201, res.body);
      return { id: (JSON.parse(res.body) as { id: string }).id, loginId };
    },
    async close() {
      await app.close();
      await platform.close();
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the real login form; stops wherever Sekisho sends the browser. */
export async function signIn(page: Page, site: LockSite, loginId: string): Promise<void> {
  await page.goto(`${site.origin}/t/${site.slug}/login`);
  await page.fill('input[name="loginId"]', loginId);
  await page.fill('input[name="password"]', TEST_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

/** Makes every user of the tenant approve their logins with Lock (the default policy group). */
export async function requireLock(site: LockSite): Promise<void> {
  const res = await site.api('POST', '/policy-groups', {
    name: 'lock required',
    isDefault: true,
    allowCondition: 'true',
    skipSecondFactorCondition: 'false',
    factors: ['lock'],
  });
  assert.equal(res.status, 201, res.body);
}
