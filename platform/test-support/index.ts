/**
 * Test support shared by every package (`@sekisho/platform/test-support`): real PostgreSQL
 * and Redis servers on loopback, random ports and temp directories.
 *
 * `npm test` (scripts/test.ts) starts one PostgreSQL and one Redis for the whole run and
 * passes them as `TEST_DATABASE_URL` and `TEST_REDIS_URL`; a test file run on its own
 * (`node --test file.test.ts`) starts its own. Either way a test file writes:
 *
 * ```ts
 * const pg = await testPostgresUrl();   // pg.url: a fresh, empty database
 * const redis = await testRedisUrl();   // a server and a key prefix of its own
 * after(() => Promise.all([pg.stop(), redis.stop()]));
 * ```
 */
import { randomBytes } from 'node:crypto';
import { createDatabaseOn, startPostgres } from './postgres.ts';
import { startRedis } from './redis.ts';

export { createDatabaseOn, startPostgres } from './postgres.ts';
export type { PostgresServer, StartPostgresOptions } from './postgres.ts';
export { startRedis } from './redis.ts';
export type { RedisServer, StartRedisOptions } from './redis.ts';
export {
  aptGet,
  ensureDebianPackages,
  findCommand,
  freePort,
  makeTempDir,
  removeAtExit,
  requireCommand,
} from './system.ts';
export type { DebianNeed } from './system.ts';

/** A database or server a test file uses; `stop()` releases it (call it in `after()`). */
export interface TestResource {
  readonly url: string;
  /** Idempotent; drops the database or stops the server this test file started. */
  stop(): Promise<void>;
}

export interface TestRedis extends TestResource {
  /**
   * A key prefix unique to this call (`test-<random>:`). The Redis server may be shared with
   * test files running in parallel: pass it as `keyPrefix` so keys and channels never collide.
   */
  readonly keyPrefix: string;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

export interface TestPostgres extends TestResource {
  /** Another fresh empty database on the same server, released by `stop()` as well. */
  createDatabase(): Promise<string>;
}

/**
 * A fresh empty PostgreSQL database (`url`), and more on demand. With `TEST_DATABASE_URL`
 * (an admin URL, set by `npm test`) they are created on that server and `stop()` drops them;
 * otherwise a server is started for the caller and `stop()` stops it.
 */
export async function testPostgresUrl(): Promise<TestPostgres> {
  const shared = process.env.TEST_DATABASE_URL;
  if (shared) {
    const drops: (() => Promise<void>)[] = [];
    const createDatabase = async () => {
      const db = await createDatabaseOn(shared);
      drops.push(() => db.drop());
      return db.url;
    };
    const url = await createDatabase();
    const stop = once(async () => {
      await Promise.all(drops.map((drop) => drop()));
    });
    return { url, createDatabase, stop };
  }
  const server = await startPostgres();
  try {
    const url = await server.createDatabase();
    return { url, createDatabase: () => server.createDatabase(), stop: once(() => server.stop()) };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/**
 * A Redis server and a key prefix of its own. With `TEST_REDIS_URL` (set by `npm test`) that
 * server is shared and `stop()` does nothing; otherwise a server is started for the caller
 * and `stop()` stops it.
 */
export async function testRedisUrl(): Promise<TestRedis> {
  const keyPrefix = `test-${randomBytes(6).toString('hex')}:`;
  const shared = process.env.TEST_REDIS_URL;
  if (shared) return { url: shared, keyPrefix, stop: async () => {} };
  const server = await startRedis();
  return { url: server.url, keyPrefix, stop: once(() => server.stop()) };
}
