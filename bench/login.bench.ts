/**
 * Login benchmark: complete browser logins (GET form + POST credentials, Argon2id verification
 * included) against a real in-process Sekisho over HTTPS on 127.0.0.1, compared with a
 * baseline measured in the same run: bare `verifyPassword` at the same concurrency. The two
 * alternate in `--rounds` slices so that load from other processes hits both alike.
 *
 *   node bench/login.bench.ts [--seconds 10] [--clients 8] [--users 50] [--rounds 2]
 *                             [--json] [--save]
 *
 * Hashing is observed without touching production code: node:crypto's `argon2` is timed in
 * this process only, and the CPU time of the libuv threadpool (where Argon2 runs) is read from
 * /proc. See bench/README.md for what each figure means.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  ARGON2_PARAMS,
  hashPassword,
  loadConfig,
  openPlatform,
  verifyPassword,
} from '@sekisho/platform';
import { FEATURE_MIGRATIONS, buildApp, ensureTlsCertificate } from '@sekisho/gateway';
import type { ClientResult, ClientSetup } from './lib/login-client.ts';
import * as m from './lib/measure.ts';

const { values, switches } = m.parseFlags(process.argv.slice(2), {
  seconds: 10,
  clients: 8,
  users: 50,
  rounds: 2,
});
const { seconds, clients, rounds } = values;
const slice = seconds / rounds;
const warmup = Math.min(2, seconds / 5);
m.timeArgon2();

const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-bench-'));
const config = loadConfig({
  ...{ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', PUBLIC_URL: 'https://127.0.0.1' },
  ...{ SEKISHO_DEMO_TENANT: 'false', LOG_LEVEL: 'silent' },
  ...{ IP_FAILURE_LIMIT: '100000', LOCKOUT_THRESHOLD: '100' }, // never throttle the bench
});
const platform = await openPlatform(config, { migrations: FEATURE_MIGRATIONS });
let worker: Worker | undefined;
let app: Awaited<ReturnType<typeof buildApp>> | undefined;
try {
  const tls = ensureTlsCertificate(dataDir, '127.0.0.1');
  app = await buildApp(platform, { https: { key: tls.key, cert: tls.cert }, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no listening port');

  const slug = 'bench';
  const tenant = await platform.tenants.create({ slug, name: 'Bench', maxUsers: values.users });
  const users = Array.from({ length: values.users }, (_, i) => ({
    loginId: `user${i}@bench.example`,
    password: `bench password ${i} ${randomUUID()}`,
  }));
  const hashes = await Promise.all(users.map((u) => hashPassword(u.password)));
  for (const [i, u] of users.entries())
    await platform.users.create(tenant.id, { loginId: u.loginId, displayName: `U${i}` }, hashes[i]);

  // Baseline: bare verifyPassword, same parameters, same concurrency, same threadpool.
  const verifyLoops = async (secs: number) => {
    const start = performance.now();
    const deadline = start + secs * 1000;
    let next = 0;
    let ops = 0;
    const loop = async () => {
      while (performance.now() < deadline) {
        const i = next++ % users.length;
        if (!(await verifyPassword(hashes[i] ?? '', users[i]?.password ?? '')))
          throw new Error('baseline verification failed');
        ops++;
      }
    };
    await Promise.all(Array.from({ length: clients }, loop));
    return { ops, wallMs: performance.now() - start };
  };

  // Logins: the load generator runs in a worker thread of this process.
  const setup: ClientSetup = { port: address.port, ca: tls.cert, slug, clients, users };
  const w = (worker = new Worker(new URL('./lib/login-client.ts', import.meta.url), {
    workerData: setup,
  }));
  const client = {
    errors: 0,
    firstError: '',
    getMs: new Array<number>(),
    postMs: new Array<number>(),
    cpuMs: 0,
  };
  const drive = async (secs: number, record: boolean) => {
    w.postMessage({ seconds: secs, record });
    const [r] = (await once(w, 'message')) as [ClientResult | { fatal: string }];
    if ('fatal' in r) throw new Error(r.fatal);
    if (record) {
      client.errors += r.errors;
      client.firstError ||= r.firstError ?? '';
      client.getMs.push(...r.getMs);
      client.postMs.push(...r.postMs);
      client.cpuMs += r.cpuMs;
    }
    return { ops: r.logins, wallMs: r.wallMs };
  };
  const [base, login] = [m.totals(), m.totals()];
  await verifyLoops(warmup);
  await drive(warmup, false);
  const loadBefore = loadavg()[0] ?? 0;
  for (let round = 0; round < rounds; round++) {
    await m.measure(base, () => verifyLoops(slice));
    await m.measure(login, () => drive(slice, true));
  }
  if (login.ops === 0) throw new Error(`no successful login: ${client.firstError}`);

  const cores = availableParallelism();
  const perSec = (t: m.Totals) => t.ops / (t.wallMs / 1000);
  const busy = (cpuMs: number, t: m.Totals) => cpuMs / (t.wallMs * cores);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const orNull = (n: number) => (Number.isFinite(n) ? n : null);
  const serverCpuMs = login.cpuMs - client.cpuMs;
  const result = {
    bench: 'login',
    date: new Date().toISOString(),
    machine: { cpus: cores, model: cpus()[0]?.model ?? '?', node: process.version, loadBefore },
    threadpool: {
      threads: m.poolCpu()?.threads ?? null,
      env: process.env.UV_THREADPOOL_SIZE ?? null,
    },
    argon2: ARGON2_PARAMS,
    ...{ seconds, rounds, clients, users: values.users },
    baseline: {
      verifiesPerSec: perSec(base),
      verifyMsP50: m.percentile(base.argon2Ms, 50),
      hashCpuMsPerVerify: orNull(base.hashCpuMs / base.ops),
      cpuObtained: busy(base.cpuMs, base),
      cpuOthers: orNull(busy(base.machineMs - base.cpuMs, base)),
    },
    login: {
      loginsPerSec: perSec(login),
      errors: client.errors,
      firstError: client.firstError || null,
      getMsP50: m.percentile(client.getMs, 50),
      postMsP50: m.percentile(client.postMs, 50),
      postMsP99: m.percentile(client.postMs, 99),
      verifyMsP50: m.percentile(login.argon2Ms, 50),
      hashCpuMsPerLogin: orNull(login.hashCpuMs / login.ops),
      serverCpuMs,
      loadGeneratorCpuMs: client.cpuMs,
      cpuObtained: busy(login.cpuMs, login),
      cpuOthers: orNull(busy(login.machineMs - login.cpuMs, login)),
    },
    ratios: {
      loginsPerVerify: perSec(login) / perSec(base),
      hashShareOfServerCpu: orNull(login.hashCpuMs / serverCpuMs),
      hashShareOfPostLatency: sum(login.argon2Ms) / sum(client.postMs),
    },
  };

  const { baseline: b, login: l, ratios: q } = result;
  const rows: [string, string][] = [
    ['baseline verifyPassword/s', m.fmt(b.verifiesPerSec)],
    ['logins/s (GET form + POST)', m.fmt(l.loginsPerSec)],
    ['logins/s ÷ baseline verifies/s', m.pct(q.loginsPerVerify)],
    ['hashing share of server CPU', m.pct(q.hashShareOfServerCpu)],
    ['hashing share of POST latency', m.pct(q.hashShareOfPostLatency)],
    ['POST p50 / p99 (ms)', `${m.fmt(l.postMsP50)} / ${m.fmt(l.postMsP99)}`],
    ['GET form p50 (ms)', m.fmt(l.getMsP50)],
    ['argon2 p50: baseline / login (ms)', `${m.fmt(b.verifyMsP50)} / ${m.fmt(l.verifyMsP50)}`],
    [
      'hash CPU ms: per verify / login',
      `${m.fmt(b.hashCpuMsPerVerify)} / ${m.fmt(l.hashCpuMsPerLogin)}`,
    ],
    ['CPU obtained: baseline / login', `${m.pct(b.cpuObtained)} / ${m.pct(l.cpuObtained)}`],
    ['CPU of other processes', `${m.pct(b.cpuOthers)} / ${m.pct(l.cpuOthers)}`],
    ['login errors', String(l.errors)],
  ];
  const params = `m=${ARGON2_PARAMS.memory} t=${ARGON2_PARAMS.passes} p=${ARGON2_PARAMS.parallelism}`;
  const title =
    `login bench: ${seconds} s in ${rounds} rounds, ${clients} clients, ${values.users} users, ` +
    `${cores} CPUs (load ${loadBefore.toFixed(1)}), threadpool ${result.threadpool.threads ?? '?'}, argon2id ${params}`;
  if (l.firstError) rows.push(['first error', l.firstError]);
  m.report(title, rows, result, switches);
} finally {
  await worker?.terminate();
  await app?.close();
  await platform.close();
  rmSync(dataDir, { recursive: true, force: true });
}
