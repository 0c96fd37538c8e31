/**
 * Lock approval benchmark: `--pending` approvals (default 10,000) pending at once in the
 * Redis shared store, each with a waiter, then the time from the app's answer to the waiting
 * side seeing it, while they are all still pending.
 *
 *   node bench/lock.bench.ts [--pending 10000] [--samples 3000] [--seconds 60] [--json] [--save]
 *
 * Real parts: a redis-server and a PostgreSQL server started for the run (the deployment
 * "at scale" of DESIGN.md, where several nodes share both), the real Lock service
 * (createLockService) with its fatigue limits: the 5-per-user-per-10-minutes limit holds, so
 * the approvals are spread over pending/5 users, each with an enrolled device (pull only: no
 * push subscription, so no push request leaves the machine). Approvals live 10 minutes (the
 * tenant's setting) so none expires during the run.
 *
 * Waiters are `waitForApproval` calls, what the login page's SSE handler runs on its node: one
 * pub/sub subscription per approval on the node's subscriber connection. 10,000 browsers with
 * EventSource would need 10,000 password logins (Argon2) first, which measures hashing, not
 * waiting. Answers go through `lock.answer` with real P-256 signatures, as the app API route
 * calls it (the route's per-IP limit of 120/min would throttle one load generator).
 *
 * Figures: Redis `used_memory` and this process's heap and RSS before and after, divided by the
 * number pending (heap after a forced GC); then p50/p99/max of answer -> waiter resolved, over
 * `--samples` answers made one at a time (for at most `--seconds`), and the answer call's own
 * latency. Setting up (users, devices, approvals) comes on top: about 2 minutes on 2 CPUs.
 */
import { generateKeyPairSync, sign, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig, openPlatform } from '@sekisho/platform';
import { startPostgres, startRedis } from '@sekisho/platform/test-support';
import { FEATURE_MIGRATIONS } from '@sekisho/gateway';
import { createLockService, signedString } from '@sekisho/lock-app';
import * as m from './lib/measure.ts';

const { values, switches } = m.parseFlags(process.argv.slice(2), {
  pending: 10_000,
  samples: 3_000,
  seconds: 60,
});
const PER_USER = 5; // the fatigue limit: approval requests per user per 10 minutes
const users = Math.ceil(values.pending / PER_USER);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Redis INFO memory's used_memory, over a raw RESP connection. */
function redisUsedMemory(url: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.on('data', (c: Buffer) => {
      data += c.toString('utf8');
      const found = /used_memory:(\d+)/.exec(data);
      if (found && data.endsWith('\r\n')) {
        socket.end();
        resolve(Number(found[1]));
      }
    });
    socket.on('error', reject);
    socket.write('INFO memory\r\n');
  });
}

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

async function memory(redisUrl: string) {
  gc();
  const mem = process.memoryUsage();
  return { redis: await redisUsedMemory(redisUrl), heap: mem.heapUsed, rss: mem.rss };
}

const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-bench-lock-'));
const config = loadConfig({
  ...{ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', PUBLIC_URL: 'https://127.0.0.1' },
  ...{ SEKISHO_DEMO_TENANT: 'false', LOG_LEVEL: 'silent', REDIS_URL: redis.url },
  DATABASE_URL: await postgres.createDatabase(),
});
const platform = await openPlatform(config, {
  migrations: FEATURE_MIGRATIONS,
});
try {
  const t0 = performance.now();
  const slug = 'bench';
  const created = await platform.tenants.create({ slug, name: 'Bench', maxUsers: users + 1 });
  const tenant = { id: created.id, slug, name: created.name };
  const lock = createLockService({ platform });
  await lock.updateSettings(tenant.id, { approvalTtlSeconds: 600 });
  const userIds: string[] = [];
  for (let i = 0; i < users; i += 500) {
    const batch = Array.from({ length: Math.min(500, users - i) }, (_, j) => ({
      loginId: `user${i + j}@bench.example`,
      displayName: `U${i + j}`,
    }));
    for (const r of await platform.users.createMany(tenant.id, batch))
      if (r.ok) userIds.push(r.user.id);
      else throw new Error(`user ${r.index}: ${r.reasons.join('; ')}`);
  }
  // One key pair serves every device: the bench measures approvals, not key generation.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as JsonWebKey;
  const devices = await pool(userIds, 16, async (userId) => {
    const { url } = await lock.createEnrollment(tenant.id, userId);
    const token = new URL(url).hash.replace(/^#enroll=/, '');
    const d = await lock.enroll(tenant, {
      token,
      deviceName: 'bench phone',
      publicKey: { kty, crv, x, y },
      subscription: null,
    });
    return { userId, deviceId: d.deviceId };
  });
  const setupMs = performance.now() - t0;

  const before = await memory(redis.url);
  const slots = devices.flatMap((d) => Array.from({ length: PER_USER }, () => d));
  const startMs = performance.now();
  const approvals = await pool(slots.slice(0, values.pending), 64, async (d) => {
    const started = await lock.startApproval({
      tenantId: tenant.id,
      userId: d.userId,
      ip: '203.0.113.9',
      application: 'Google Workspace',
    });
    return { ...d, ...started };
  });
  const startedPerSec = approvals.length / ((performance.now() - startMs) / 1000);
  const stored = await memory(redis.url);

  const waiters = new Map<string, { promise: Promise<string>; doneAt: number }>();
  const stopWaiting = new AbortController();
  for (const a of approvals) {
    const w = { promise: Promise.resolve(''), doneAt: 0 };
    w.promise = lock.waitForApproval(tenant.id, a.id, 15 * 60_000, stopWaiting.signal).then((s) => {
      w.doneAt = performance.now();
      return s.state;
    });
    waiters.set(a.id, w);
  }
  // Every waiter has subscribed and read its approval once: the next state change wakes it.
  await new Promise((r) => setTimeout(r, 2000));
  const waiting = await memory(redis.url);

  // --seconds bounds this phase: samples stop when it is over.
  const deadline = Date.now() + values.seconds * 1000;
  const latencies: number[] = [];
  const answerMs: number[] = [];
  let wrongStates = 0;
  for (const a of approvals.slice(0, values.samples)) {
    if (Date.now() > deadline) break;
    const data = signedString.answer(tenant.slug, a.deviceId, a.id, 'approve', a.number);
    const signature = sign('sha256', Buffer.from(data), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    const w = waiters.get(a.id)!;
    const sent = performance.now();
    await lock.answer(tenant, {
      deviceId: a.deviceId,
      approvalId: a.id,
      decision: 'approve',
      number: a.number,
      signature,
    });
    answerMs.push(performance.now() - sent);
    if ((await w.promise) !== 'approved') wrongStates++;
    latencies.push(w.doneAt - sent);
  }

  // The waiters not answered end now (their subscriptions too), before the store closes.
  stopWaiting.abort();
  await Promise.all([...waiters.values()].map((w) => w.promise));

  const n = approvals.length;
  const result = {
    bench: 'lock',
    date: new Date().toISOString(),
    machine: {
      cpus: availableParallelism(),
      model: cpus()[0]?.model ?? '?',
      node: process.version,
    },
    pending: n,
    users,
    setupSeconds: setupMs / 1000,
    approvalsStartedPerSec: startedPerSec,
    perPendingApproval: {
      redisBytes: (stored.redis - before.redis) / n,
      redisBytesWithWaiters: (waiting.redis - before.redis) / n,
      heapBytesWithWaiters: (waiting.heap - before.heap) / n,
      rssBytesWithWaiters: (waiting.rss - before.rss) / n,
    },
    samples: latencies.length,
    wrongStates,
    answerToWaiterMs: {
      p50: m.percentile(latencies, 50),
      p99: m.percentile(latencies, 99),
      max: latencies.length ? Math.max(...latencies) : 0,
    },
    answerCallMs: { p50: m.percentile(answerMs, 50), p99: m.percentile(answerMs, 99) },
  };
  const p = result.perPendingApproval;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
  const rows: [string, string][] = [
    ['pending approvals at once', String(n)],
    ['approvals started per second', m.fmt(startedPerSec)],
    ['Redis per approval (stored)', kb(p.redisBytes)],
    ['Redis per approval (+ waiter)', kb(p.redisBytesWithWaiters)],
    ['Node heap per waiter', kb(p.heapBytesWithWaiters)],
    ['Node RSS per waiter', kb(p.rssBytesWithWaiters)],
    [
      'answer -> waiter p50 / p99 (ms)',
      `${m.fmt(result.answerToWaiterMs.p50, 2)} / ${m.fmt(result.answerToWaiterMs.p99, 2)}`,
    ],
    ['answer -> waiter max (ms)', m.fmt(result.answerToWaiterMs.max, 2)],
    [
      'answer call p50 / p99 (ms)',
      `${m.fmt(result.answerCallMs.p50, 2)} / ${m.fmt(result.answerCallMs.p99, 2)}`,
    ],
    ['samples (waiter not approved)', `${latencies.length} (${wrongStates})`],
  ];
  const title =
    `lock bench: ${n} pending approvals over ${users} users on Redis, ` +
    `${result.machine.cpus} CPUs, setup ${m.fmt(result.setupSeconds)} s`;
  m.report(title, rows, result, switches);
  if (wrongStates) process.exitCode = 1;
} finally {
  await platform.close();
  await Promise.all([redis.stop(), postgres.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
}
