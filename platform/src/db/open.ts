/**
 * Opens the durable store: a PostgreSQL server when a URL is given, else PGlite under the
 * data directory. Both speak the same dialect through Kysely; callers never see which.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from './schema.ts';

export type DbBackend = 'pglite' | 'postgres';

export interface DurableStore {
  readonly db: Kysely<Database>;
  readonly backend: DbBackend;
  /** Throws when the store cannot answer (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  databaseUrl?: string | undefined;
  /** PGlite directory; `memory://` for a throwaway in-memory database. */
  pgliteDir?: string;
  /** Pool size for the PostgreSQL backend. */
  poolSize?: number;
}

export async function openDurableStore(options: OpenDbOptions): Promise<DurableStore> {
  const db = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : await openPglite(options.pgliteDir ?? 'memory://');
  const backend: DbBackend = options.databaseUrl ? 'postgres' : 'pglite';
  return {
    db,
    backend,
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPostgres(url: string, max: number): Promise<Kysely<Database>> {
  const pg = await import('pg');
  // timestamptz and jsonb parse into Date and objects; bigint ids stay strings.
  const pool = new pg.default.Pool({ connectionString: url, max });
  pool.on('error', () => {
    // A broken idle connection is dropped by the pool; queries report their own errors.
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function openPglite(dir: string): Promise<Kysely<Database>> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  let dataDir = dir;
  if (!dir.startsWith('memory://')) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    dataDir = join(dir);
  }
  const client = await PGlite.create(dataDir);
  return new Kysely<Database>({ dialect: new PGliteDialect(client) });
}
