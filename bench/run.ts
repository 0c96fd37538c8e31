/**
 * `npm run bench [-- name... --flags]`: runs the benchmarks bench/<name>.bench.ts one after
 * another, each in its own node process (fresh heap and threadpool), passing the flags on.
 *
 *   node bench/run.ts                       every benchmark
 *   node bench/run.ts login --seconds 5     one, with its flags
 *   node bench/run.ts lock --pending 2000   Lock approvals (starts its own Redis and PostgreSQL)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort();

const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('-'));
const names = firstFlag === -1 ? args : args.slice(0, firstFlag);
const flags = firstFlag === -1 ? [] : args.slice(firstFlag);
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of names.length ? names : available) {
  console.log(`\n[bench] ${name}`);
  const file = fileURLToPath(new URL(`./${name}.bench.ts`, import.meta.url));
  const { status, signal } = spawnSync(process.execPath, [file, ...flags], { stdio: 'inherit' });
  if (status !== 0) {
    failed++;
    console.error(`[bench] ${name} failed (${signal ?? `exit ${String(status)}`})`);
  }
}
process.exit(failed ? 1 : 0);
