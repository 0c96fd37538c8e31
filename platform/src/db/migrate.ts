/**
 * Applies migrations in order, each once, inside one transaction that holds a PostgreSQL
 * advisory lock: two nodes starting at once serialize here, and a second run finds nothing
 * to do. A failed migration rolls back whole and stops the start-up.
 */
import { sql, type Kysely } from 'kysely';
import type { Migration } from './migrations.ts';

/** Arbitrary constant naming Sekisho's migration lock. */
const LOCK_ID = 4_837_201_551;

export async function migrate(
  db: Kysely<unknown>,
  migrations: readonly Migration[],
): Promise<string[]> {
  const names = new Set<string>();
  for (const m of migrations) {
    if (names.has(m.name)) throw new Error(`duplicate migration name ${m.name}`);
    names.add(m.name);
  }
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOCK_ID})`.execute(trx);
    await sql`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`.execute(trx);
    const done = await sql<{ name: string }>`SELECT name FROM schema_migrations`.execute(trx);
    const applied = new Set(done.rows.map((r) => r.name));
    const ran: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.name)) continue;
      await m.up(trx);
      await sql`INSERT INTO schema_migrations (name) VALUES (${m.name})`.execute(trx);
      ran.push(m.name);
    }
    return ran;
  });
}
