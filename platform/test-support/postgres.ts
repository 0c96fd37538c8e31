/**
 * A throwaway PostgreSQL server for tests: initdb into a temp directory, loopback only, a
 * random port, trust authentication, durability off for speed.
 */
import { randomBytes } from 'node:crypto';
import { chown } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import {
  freePort,
  lookupUser,
  makeTempDir,
  removeAtExit,
  requireCommand,
  spawnServer,
  waitUntilReady,
} from './system.ts';

export interface PostgresServer {
  /** Admin URL (`postgres` superuser, `postgres` database). */
  readonly url: string;
  /** Creates an empty database with a random name; returns its URL. */
  createDatabase(): Promise<string>;
  /** Fast shutdown (SIGINT, SIGKILL after 5 s) and removal of the data directory. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** How long start-up may take; default 30 s. */
  timeoutMs?: number;
}

/** Like initdb/postgres themselves: PostgreSQL refuses to run as root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = lookupUser('postgres');
  if (!user) {
    throw new Error(
      'PostgreSQL refuses to run as root and there is no "postgres" user; install the ' +
        'Debian package postgresql (it creates one) or run the tests as another user',
    );
  }
  return user;
}

/** True when the server answers a query on `url`. */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {
    // a failed probe is reported by connect()/query()
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs one statement on the server at `url` with a short-lived connection. */
async function execute(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL of database `name` on the same server as `url`. */
function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Creates an empty database with a random name on the server of `adminUrl` (a superuser or
 * CREATEDB role); returns its URL and a function that drops it (closing open connections).
 */
export async function createDatabaseOn(
  adminUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `test_${randomBytes(8).toString('hex')}`;
  await execute(adminUrl, `CREATE DATABASE "${name}"`);
  return {
    url: databaseUrl(adminUrl, name),
    drop: () => execute(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * Starts a PostgreSQL server on 127.0.0.1 (random free port, temp data directory, trust
 * authentication) and resolves once it accepts connections. Runs as the `postgres` user when
 * this process is root. The server is killed if the process exits before `stop()`.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const initdb = requireCommand('initdb', 'postgresql');
  const postgres = requireCommand('postgres', 'postgresql');
  const user = runAs();
  const dir = await makeTempDir('sekisho-pg-');
  const removeDir = removeAtExit(dir);
  const data = join(dir, 'data');
  try {
    if (user) await chown(dir, user.uid, user.gid);
    const initArgs = ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'];
    // Tracked like the server, so it is killed too if this process exits meanwhile.
    const init = spawnServer(initdb, [...initArgs, '--locale=C'], { cwd: dir, ...user });
    if ((await init.exited) !== 0) throw new Error(`initdb failed:\n${init.output()}`);
  } catch (err) {
    removeDir();
    throw err;
  }

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: dir,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '300',
    };
    const args = ['-D', data, '-p', String(port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const server = spawnServer(postgres, args, {
      cwd: dir,
      stopSignal: 'SIGINT',
      uid: user?.uid,
      gid: user?.gid,
    });
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    try {
      await waitUntilReady(server, 'postgres', () => answers(url), options.timeoutMs ?? 30_000);
    } catch (err) {
      const portTaken = /could not bind|already in use/i.test(server.output());
      await server.stop();
      if (portTaken && attempt < 3) continue;
      removeDir();
      throw err;
    }
    return {
      url,
      createDatabase: async () => (await createDatabaseOn(url)).url,
      async stop() {
        await server.stop();
        removeDir();
      },
    };
  }
}
