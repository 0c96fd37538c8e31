/**
 * The durable-store contract: one suite run against PGlite in memory, PGlite in a directory
 * (closed and reopened to prove the data persists) and a real PostgreSQL server (where two
 * nodes also migrate concurrently). Every backend speaks the same dialect through Kysely.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { migrate } from '../src/db/migrate.ts';
import { platformMigrations } from '../src/db/migrations.ts';
import { openDurableStore, type DurableStore } from '../src/db/open.ts';
import type { Database } from '../src/db/schema.ts';
import { makeTempDir, testPostgresUrl, type TestPostgres } from '@sekisho/platform/test-support';
import type { Kysely } from 'kysely';

const migrationNames = platformMigrations.map((m) => m.name);

/** migrate() takes any schema; Kysely's table types make Kysely<Database> a different type. */
const migratePlatform = (db: Kysely<Database>) =>
  migrate(db as unknown as Kysely<unknown>, platformMigrations);

interface Context {
  /** The backend's store, migrated once by the suite's `before` hook. */
  store: DurableStore;
  /** What that first migration run applied. */
  firstRun: string[];
}

interface Backend {
  name: string;
  /** A store over a new, empty database. */
  open(): Promise<DurableStore>;
  /** Backend-specific cases, run after the shared ones and before the store is closed. */
  extra?(ctx: Context): void;
}

function newTenant(over: { slug?: string; verified_domains?: string } = {}) {
  return {
    id: randomUUID(),
    slug: `t-${randomUUID().slice(0, 8)}`,
    name: '株式会社テスト',
    status: 'active' as const,
    max_users: 50,
    max_device_certs: 100,
    verified_domains: '[]',
    time_zone: 'Asia/Tokyo',
    default_locale: 'ja' as const,
    ...over,
  };
}

function newUser(tenantId: string, loginId = 'alice') {
  return {
    id: randomUUID(),
    tenant_id: tenantId,
    login_id: loginId,
    email: `${loginId}@example.jp`,
    display_name: '山田 花子',
    status: 'active' as const,
    locale: null,
    attributes: JSON.stringify({ department: 'eng' }),
    password_hash: null,
  };
}

function newAuditEvent(tenantId: string) {
  return {
    tenant_id: tenantId,
    at: new Date(),
    actor_type: 'system' as const,
    actor_id: null,
    actor_name: null,
    action: 'tenant.create',
    target_type: 'tenant',
    target_id: tenantId,
    result: 'success' as const,
    reason: null,
    ip: null,
    user_agent: null,
    request_id: null,
    reference: null,
    details: JSON.stringify({ by: 'test' }),
  };
}

async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{
    name: string;
  }>`SELECT name FROM schema_migrations ORDER BY name`.execute(db);
  return rows.rows.map((r) => r.name);
}

function contract(backend: Backend): void {
  describe(`durable store contract: ${backend.name}`, () => {
    const ctx = {} as Context;
    let closed = false;
    before(async () => {
      ctx.store = await backend.open();
      ctx.firstRun = await migratePlatform(ctx.store.db);
    });
    after(async () => {
      if (!closed) await ctx.store.close();
    });

    it('applies each migration once; a second run applies nothing', async () => {
      assert.deepEqual(ctx.firstRun, migrationNames);
      assert.deepEqual(await migratePlatform(ctx.store.db), []);
      assert.deepEqual(await appliedMigrations(ctx.store.db), [...migrationNames].sort());
    });

    it('stores a tenant and its user and reads them back through Kysely', async () => {
      const { db } = ctx.store;
      const tenant = newTenant({ verified_domains: JSON.stringify(['example.jp']) });
      await db.insertInto('tenants').values(tenant).execute();
      await db.insertInto('users').values(newUser(tenant.id)).execute();

      const row = await db
        .selectFrom('users')
        .innerJoin('tenants', 'tenants.id', 'users.tenant_id')
        .select(['users.login_id', 'users.display_name', 'users.attributes', 'tenants.slug'])
        .select(['users.must_change_password', 'users.created_at', 'tenants.verified_domains'])
        .select(['tenants.time_zone', 'tenants.default_locale'])
        .where('tenants.id', '=', tenant.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.login_id, 'alice');
      assert.equal(row.display_name, '山田 花子');
      assert.equal(row.slug, tenant.slug);
      assert.deepEqual(row.attributes, { department: 'eng' });
      assert.deepEqual(row.verified_domains, ['example.jp']);
      assert.equal(row.must_change_password, false);
      assert.equal(row.time_zone, 'Asia/Tokyo');
      assert.equal(row.default_locale, 'ja');
      assert.ok(row.created_at instanceof Date);
      const missing = await db
        .selectFrom('tenants')
        .selectAll()
        .where('id', '=', randomUUID())
        .executeTakeFirst();
      assert.equal(missing, undefined);
    });

    it('rejects a duplicate with a unique violation (23505)', async () => {
      const { db } = ctx.store;
      const tenant = newTenant();
      await db.insertInto('tenants').values(tenant).execute();
      await assert.rejects(
        db
          .insertInto('tenants')
          .values(newTenant({ slug: tenant.slug }))
          .execute(),
        { code: '23505' },
      );
      await db.insertInto('users').values(newUser(tenant.id, 'bob')).execute();
      await assert.rejects(db.insertInto('users').values(newUser(tenant.id, 'bob')).execute(), {
        code: '23505',
      });
      const other = newTenant();
      await db.insertInto('tenants').values(other).execute();
      await db.insertInto('users').values(newUser(other.id, 'bob')).execute();
      const count = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('login_id', '=', 'bob')
        .where('tenant_id', 'in', [tenant.id, other.id])
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 2, 'one login id per tenant, not globally');
    });

    it('rolls back a transaction that throws and keeps one that returns', async () => {
      const { db } = ctx.store;
      const lost = newTenant();
      const boom = new Error('boom');
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('tenants').values(lost).execute();
          await trx.insertInto('users').values(newUser(lost.id)).execute();
          throw boom;
        }),
        (err) => err === boom,
      );
      const kept = newTenant();
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('tenants').values(kept).execute();
        await trx.insertInto('users').values(newUser(kept.id)).execute();
      });
      const ids = await db
        .selectFrom('users')
        .select('tenant_id')
        .where('tenant_id', 'in', [lost.id, kept.id])
        .execute();
      assert.deepEqual(
        ids.map((r) => r.tenant_id),
        [kept.id],
      );
      const tenants = await db
        .selectFrom('tenants')
        .select('id')
        .where('id', '=', lost.id)
        .execute();
      assert.deepEqual(tenants, []);
    });

    it('audit_events accepts INSERT and refuses UPDATE', async () => {
      const { db } = ctx.store;
      const tenant = newTenant();
      await db.insertInto('tenants').values(tenant).execute();
      const { id } = await db
        .insertInto('audit_events')
        .values(newAuditEvent(tenant.id))
        .returning('id')
        .executeTakeFirstOrThrow();
      await assert.rejects(
        db.updateTable('audit_events').set({ action: 'forged' }).where('id', '=', id).execute(),
        /append-only/,
      );
      const row = await db
        .selectFrom('audit_events')
        .select(['action', 'details'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.action, 'tenant.create');
      assert.deepEqual(row.details, { by: 'test' });
    });

    backend.extra?.(ctx);

    it('answers ping while open and rejects it after close', async () => {
      await ctx.store.ping();
      await ctx.store.close();
      closed = true;
      await assert.rejects(ctx.store.ping());
    });
  });
}

contract({
  name: 'PGlite in memory',
  open: () => openDurableStore({ pgliteDir: 'memory://' }),
});

let pgliteDir: string;
after(async () => {
  if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
});
contract({
  name: 'PGlite in a directory',
  async open() {
    pgliteDir = await makeTempDir('sekisho-pglite-');
    return openDurableStore({ pgliteDir: join(pgliteDir, 'db') });
  },
  extra(ctx) {
    it('keeps data and migrations after close and reopen', async () => {
      const tenant = newTenant();
      await ctx.store.db.insertInto('tenants').values(tenant).execute();
      await ctx.store.close();
      await assert.rejects(ctx.store.ping(), 'the closed store no longer answers');
      ctx.store = await openDurableStore({ pgliteDir: join(pgliteDir, 'db') });
      const row = await ctx.store.db
        .selectFrom('tenants')
        .select(['slug', 'name'])
        .where('id', '=', tenant.id)
        .executeTakeFirst();
      assert.deepEqual(row, { slug: tenant.slug, name: tenant.name });
      assert.deepEqual(await migratePlatform(ctx.store.db), []);
    });
  },
});

describe('PostgreSQL server', () => {
  let pg: TestPostgres;
  before(async () => {
    pg = await testPostgresUrl();
  });
  after(async () => {
    await pg.stop();
  });

  contract({
    name: 'PostgreSQL',
    open: async () => openDurableStore({ databaseUrl: pg.url, poolSize: 4 }),
    extra() {
      it('two nodes migrating at once apply each migration exactly once', async () => {
        const url = await pg.createDatabase();
        const [a, b] = await Promise.all([
          openDurableStore({ databaseUrl: url, poolSize: 2 }),
          openDurableStore({ databaseUrl: url, poolSize: 2 }),
        ]);
        try {
          const runs = await Promise.all([migratePlatform(a.db), migratePlatform(b.db)]);
          assert.deepEqual(runs.flat().sort(), [...migrationNames].sort());
          assert.ok(
            runs.some((r) => r.length === 0),
            'one run found nothing left to do',
          );
          assert.deepEqual(await appliedMigrations(a.db), [...migrationNames].sort());
          await a.db.insertInto('tenants').values(newTenant()).execute();
        } finally {
          await Promise.all([a.close(), b.close()]);
        }
      });
    },
  });
});
