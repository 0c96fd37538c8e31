/**
 * Small measuring helpers shared by the benchmarks: flag parsing, percentiles, and per-thread
 * CPU time of the libuv threadpool (where Argon2 runs) read from /proc on Linux.
 */
import crypto from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

/** `--name value` flags as numbers (with defaults) and bare `--flag` switches. */
export function parseFlags<K extends string>(argv: string[], numbers: Record<K, number>) {
  const values = { ...numbers };
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]?.replace(/^--/, '') ?? '';
    if (name in values) {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
      values[name as K] = n;
    } else if (argv[i]?.startsWith('--')) switches.add(name);
    else throw new Error(`unexpected argument '${argv[i]}'`);
  }
  return { values, switches };
}

/** Nearest-rank percentile of the samples (0 when there are none). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export interface PoolCpu {
  /** user+system CPU milliseconds of all libuv-worker threads so far. */
  ms: number;
  /** How many libuv-worker threads exist (the effective UV_THREADPOOL_SIZE once started). */
  threads: number;
}

/** CPU time of the libuv threadpool threads; undefined where /proc is not available. */
export function poolCpu(): PoolCpu | undefined {
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  try {
    let ms = 0;
    let threads = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      } catch {
        continue; // the thread ended between listing and reading
      }
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name !== 'libuv-worker') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += (Number(fields[11]) + Number(fields[12])) / ticksPerMs; // utime, stime
      threads++;
    }
    return { ms, threads };
  } catch {
    return undefined;
  }
}

/** CPU milliseconds used by the whole machine (every process), from /proc/stat. */
export function machineCpuMs(): number | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1) ?? [];
    const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + Number(f[i] ?? 0), 0);
    return busy * 10; // user nice system irq softirq steal, in 1/100 s
  } catch {
    return undefined;
  }
}

/** Whole-process CPU milliseconds (every thread). */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Times every call of node:crypto's `argon2` made by this process, without touching
 * production code: `verifyPassword` imports that binding, and syncBuiltinESMExports() makes
 * ES-module imports of node:crypto see the replaced function.
 */
export function timeArgon2(): void {
  const mod = crypto as unknown as { argon2: (...args: unknown[]) => void };
  const original = mod.argon2;
  mod.argon2 = (...args: unknown[]) => {
    const callback = args.pop() as (...result: unknown[]) => void;
    const t0 = performance.now();
    original(...args, (...result: unknown[]) => {
      argon2Durations.push(performance.now() - t0);
      callback(...result);
    });
  };
  syncBuiltinESMExports();
}
const argon2Durations: number[] = [];

/** What one kind of load did, summed over its slices. */
export interface Totals {
  ops: number;
  wallMs: number;
  /** CPU of this whole process, of the libuv threadpool, and of the whole machine. */
  cpuMs: number;
  hashCpuMs: number;
  machineMs: number;
  /** Duration of each argon2 call, queueing in the threadpool included. */
  argon2Ms: number[];
}
export const totals = (): Totals => ({
  ...{ ops: 0, wallMs: 0, cpuMs: 0, hashCpuMs: 0, machineMs: 0, argon2Ms: [] },
});

/** Runs one slice of load and adds its counts, wall time, CPU times and argon2 timings. */
export async function measure(into: Totals, run: () => Promise<{ ops: number; wallMs: number }>) {
  const [pool0, cpu0, machine0] = [poolCpu(), processCpuMs(), machineCpuMs()];
  argon2Durations.length = 0;
  const r = await run();
  const [pool1, machine1] = [poolCpu(), machineCpuMs()];
  into.ops += r.ops;
  into.wallMs += r.wallMs;
  into.cpuMs += processCpuMs() - cpu0;
  into.hashCpuMs += pool0 && pool1 ? pool1.ms - pool0.ms : NaN;
  into.machineMs += machine0 !== undefined && machine1 !== undefined ? machine1 - machine0 : NaN;
  into.argon2Ms.push(...argon2Durations);
}

export const fmt = (n: number | null | undefined, digits = 1) =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits);

export const pct = (n: number | null | undefined) =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : `${(n * 100).toFixed(1)} %`;

/**
 * Prints the figures as a table; with --json also as one JSON line; with --save also writes
 * them to bench/results/<bench>-<date>.json.
 */
export function report(
  title: string,
  rows: [string, string][],
  result: { bench: string; date: string },
  switches: Set<string>,
) {
  console.log(title);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(34)} ${v.padStart(18)}`);
  if (switches.has('json')) console.log(JSON.stringify(result));
  if (switches.has('save')) {
    const dir = new URL('../results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const stamp = result.date.slice(0, 19).replace(/:/g, '-');
    const file = new URL(`${result.bench}-${stamp}.json`, dir);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`  saved ${file.pathname}`);
  }
}
