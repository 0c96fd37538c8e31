/**
 * `npm test`: static checks, then every test file under node's test runner with one shared
 * PostgreSQL and one Redis (test files create their own databases and key prefixes).
 *
 *   npm test                                      everything
 *   SKIP_CHECK=1 npm test -- platform/test/kv.contract.test.ts --test-name-pattern=take
 *
 * Arguments starting with `-` go to node's test runner; others name the test files (paths or
 * globs) to run instead of all. TEST_CONCURRENCY and TEST_TIMEOUT_MS tune the runner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { globSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  ensureDebianPackages,
  startPostgres,
  startRedis,
  type PostgresServer,
  type RedisServer,
} from '@sekisho/platform/test-support';

const root = fileURLToPath(new URL('..', import.meta.url));
const ALL_TESTS = [
  'platform/test/**/*.test.ts',
  '*/src/**/*.test.ts',
  'gateway/test/**/*.test.ts',
  'idp/test/**/*.test.ts',
  'device-cert/test/**/*.test.ts',
  'lock-app/test/**/*.test.ts',
  'secure-transfer/test/**/*.test.ts',
  'tests/**/*.test.ts',
];
const SYSTEM_NEEDS = [
  { command: 'initdb', pkg: 'postgresql' },
  { command: 'postgres', pkg: 'postgresql' },
  { command: 'redis-server', pkg: 'redis-server' },
  { command: 'openssl', pkg: 'openssl' },
  { command: 'xmllint', pkg: 'libxml2-utils' },
  { command: 'curl', pkg: 'curl' },
  { command: 'chromium', pkg: 'chromium' },
];

const say = (line: string) => console.log(`[test] ${line}`);
let current: ChildProcess | undefined;
let interrupted: NodeJS.Signals | undefined;

/** Runs a command with our stdio; resolves with its exit code (128 + n when signalled). */
function run(command: string, args: string[], env = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    current = child;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      current = undefined;
      resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : 15));
    });
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = signal;
    // The child stops and main() cleans up; with no child, exit (test-support's exit hook
    // kills any server already started and removes its directory).
    if (current) current.kill(signal);
    else process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/** Test globs that match at least one file: node's runner fails on a glob matching none. */
function testFiles(patterns: string[]): string[] {
  return patterns.filter(
    (p) => globSync(p, { cwd: root, exclude: (f) => f.includes('node_modules') }).length > 0,
  );
}

async function main(): Promise<number> {
  const cliArgs = process.argv.slice(2);
  const runnerFlags = cliArgs.filter((a) => a.startsWith('-'));
  const chosen = cliArgs.filter((a) => !a.startsWith('-'));

  if (process.env.SKIP_CHECK === '1') {
    say('check skipped (SKIP_CHECK=1)');
  } else {
    say('check: typecheck, lint, format');
    const code = await run('npm', ['run', '--silent', 'check']);
    if (code !== 0) {
      say(`check failed (exit ${code})`);
      return code;
    }
  }

  const files = testFiles(chosen.length ? chosen : ALL_TESTS);
  if (!files.length) {
    say(`no test files match ${chosen.join(' ')}`);
    return 1;
  }

  say(`system packages: ${[...new Set(SYSTEM_NEEDS.map((n) => n.pkg))].join(', ')}`);
  await ensureDebianPackages(SYSTEM_NEEDS);

  let postgres: PostgresServer | undefined;
  let redis: RedisServer | undefined;
  try {
    say('starting PostgreSQL and Redis');
    postgres = await startPostgres();
    redis = await startRedis();
    say(`PostgreSQL ${postgres.url}, Redis ${redis.url}`);
    if (interrupted) return 130;

    const concurrency = process.env.TEST_CONCURRENCY ?? String(availableParallelism());
    const timeout = process.env.TEST_TIMEOUT_MS ?? '120000';
    const args = [
      '--test',
      `--test-concurrency=${concurrency}`,
      `--test-timeout=${timeout}`,
      '--test-reporter=spec',
      ...runnerFlags,
      ...files,
    ];
    say(`node ${args.join(' ')}`);
    const env = { ...process.env, TEST_DATABASE_URL: postgres.url, TEST_REDIS_URL: redis.url };
    return await run(process.execPath, args, env);
  } finally {
    if (postgres || redis) say('stopping PostgreSQL and Redis');
    await Promise.allSettled([postgres?.stop(), redis?.stop()]);
  }
}

main().then(
  (code) => {
    process.exitCode = interrupted ? 128 + (interrupted === 'SIGINT' ? 2 : 15) : code;
  },
  (err: unknown) => {
    console.error(`[test] ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
