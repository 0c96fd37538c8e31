/**
 * `npx sekisho <command> [options]`: admin actions for scripts, against the same stores as
 * the server (set DATABASE_URL/REDIS_URL as for the server; with the embedded database, stop
 * the server first — PGlite allows one process). Output is JSON with --json, else readable
 * text; errors exit 1 with the reason, bad configuration exits 2.
 */
import { parseArgs } from 'node:util';
import {
  ConfigError,
  SekishoError,
  ValidationError,
  loadConfig,
  openPlatform,
} from '@sekisho/platform';
import { COMMANDS } from './commands.ts';
import { FEATURE_MIGRATIONS } from '../migrations.ts';

function usage(): string {
  return [
    'usage: sekisho <command> [options] [--json]',
    '',
    ...COMMANDS.map((c) => `  sekisho ${c.name} ${c.usage}`),
  ].join('\n');
}

const argv = process.argv.slice(2);
const command = COMMANDS.find((c) => c.name.split(' ').every((w, i) => argv[i] === w));
if (!command) {
  process.stderr.write(usage() + '\n');
  process.exit(argv.length && !['help', '--help', '-h'].includes(argv[0]!) ? 1 : 0);
}

let parsed;
try {
  parsed = parseArgs({
    args: argv.slice(command.name.split(' ').length),
    allowPositionals: true,
    strict: true,
    options: {
      ...Object.fromEntries(
        [
          'slug',
          'name',
          'max-users',
          'max-device-certs',
          'locale',
          'tenant',
          'login',
          'role',
          'expires',
          'kind',
          'preset',
          'metadata',
        ].map((k) => [k, { type: 'string' as const }]),
      ),
      group: { type: 'string', multiple: true },
      domain: { type: 'string', multiple: true },
      'redirect-uri': { type: 'string', multiple: true },
      'password-stdin': { type: 'boolean' },
      operator: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
} catch (err) {
  process.stderr.write(`sekisho: ${(err as Error).message}\n${usage()}\n`);
  process.exit(1);
}
const { values, positionals } = parsed;
const json = values.json === true;

try {
  const platform = command.stores
    ? await openPlatform(loadConfig(process.env), { migrations: FEATURE_MIGRATIONS })
    : undefined;
  try {
    const result = await command.run(
      platform,
      values as Record<string, string | boolean | string[] | undefined>,
      positionals,
    );
    process.stdout.write(
      (typeof result === 'string' && !json ? result : JSON.stringify(result, null, json ? 0 : 2)) +
        '\n',
    );
  } finally {
    await platform?.close();
  }
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`sekisho: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof SekishoError && err.expose) {
    const detail =
      err instanceof ValidationError
        ? err.problems.map((p) => `\n  - ${p.field}: ${p.message}`).join('')
        : '';
    process.stderr.write(`sekisho: ${err.code}: ${err.message}${detail}\n`);
    process.exit(1);
  }
  throw err;
}
