/**
 * IdP benchmark (issue #3): with an existing IdP session, complete OIDC code flows per second
 * (RS256 and ES256 ID tokens) and SAML Responses per second, each also as a share of the
 * signing rate `openssl speed` reports for the same key type in the same run; and the
 * latency (p50/p99) of one complete login without a session. A real Sekisho runs in-process
 * over HTTPS on 127.0.0.1; the load generator runs in a worker thread.
 *
 *   node bench/idp.bench.ts [--seconds 8] [--clients 4] [--logins 30] [--json] [--save]
 *
 * See bench/idp.md for what each figure means.
 */
import { once } from 'node:events';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { hashPassword, verifyPassword } from '@sekisho/platform';
import { checkIdToken, checkSamlResponse } from './lib/check-samples.ts';
import { Browser, loopbackAgent } from './lib/https-browser.ts';
import type { IdpClientSetup, Job, JobResult } from './lib/idp-client.ts';
import { REDIRECT_URI, startIdp, type IdpBench } from './lib/idp-setup.ts';
import { loadFigures, loadRows } from './lib/idp-report.ts';
import * as m from './lib/measure.ts';
import { opensslSpeed } from './lib/openssl-speed.ts';
import { countSignatures, takeSignatures } from './lib/sign-counter.ts';

const { values, switches } = m.parseFlags(process.argv.slice(2), {
  seconds: 8,
  clients: 4,
  logins: 30,
});
const { seconds, clients, logins } = values;
const warmup = Math.min(2, seconds / 5);

// Baselines first, before the server exists: one core signing, as openssl measures it.
const rsa = await opensslSpeed('rsa2048', 2);
const ecdsa = await opensslSpeed('ecdsap256', 2);
m.timeArgon2();
countSignatures();

let idp: IdpBench | undefined;
let worker: Worker | undefined;
try {
  idp = await startIdp(clients + 1);
  const setup: IdpClientSetup = {
    ...{ origin: idp.origin, ca: idp.ca, slug: idp.slug, clients, users: idp.users },
    ...{ redirectUri: REDIRECT_URI, oidc: idp.oidc, saml: idp.saml },
  };
  const w = (worker = new Worker(new URL('./lib/idp-client.ts', import.meta.url), {
    workerData: setup,
  }));
  const run = async (job: Job) => {
    w.postMessage(job);
    const [r] = (await once(w, 'message')) as [JobResult | { fatal: string }];
    if ('fatal' in r) throw new Error(r.fatal);
    return r;
  };
  const signIn = await run({ kind: 'sign-in' });
  if (signIn.errors) throw new Error(`signing the clients in: ${signIn.firstError ?? ''}`);

  /** Warm-up, then one measured slice: totals, client figures and signatures counted. */
  const load = async (job: Extract<Job, { kind: 'oidc' | 'saml' }>) => {
    await run({ ...job, seconds: warmup, record: false });
    const totals = m.totals();
    let client: JobResult | undefined;
    takeSignatures();
    await m.measure(totals, async () => {
      client = await run({ ...job, seconds, record: true });
      return { ops: client.ops, wallMs: client.wallMs };
    });
    const sigs = takeSignatures();
    if (!client?.ops) throw new Error(`${job.kind}: nothing completed: ${client?.firstError}`);
    return { totals, client, sigs };
  };
  const loadBefore = loadavg()[0] ?? 0;
  const rs = await load({ kind: 'oidc', alg: 'RS256', seconds, record: true });
  const es = await load({ kind: 'oidc', alg: 'ES256', seconds, record: true });
  const saml = await load({ kind: 'saml', seconds, record: true });

  // One complete login at a time, each with a fresh cookie jar (Argon2id included).
  const loginTotals = m.totals();
  let login: JobResult | undefined;
  await m.measure(loginTotals, async () => {
    login = await run({ kind: 'login', count: logins, seconds: 2 * seconds });
    return { ops: login.ops, wallMs: login.wallMs };
  });
  if (!login?.ops) throw new Error(`no complete login: ${login?.firstError}`);
  // Its baseline: bare verifyPassword, one at a time, as many as the logins.
  const hash = await hashPassword('bench baseline password');
  const verifyMs: number[] = [];
  for (let i = 0; i < Math.max(5, login.ops); i++) {
    const t0 = performance.now();
    await verifyPassword(hash, 'bench baseline password');
    verifyMs.push(performance.now() - t0);
  }

  // What an RP would check, on the last artefact of each load (outside the measured time).
  const checker = new Browser(idp.origin, loopbackAgent(idp.ca, 1));
  const checks = {
    idTokenRs256: await checkIdToken(checker, idp.slug, rs.client.sample ?? ''),
    idTokenEs256: await checkIdToken(checker, idp.slug, es.client.sample ?? ''),
    samlResponse: await checkSamlResponse(checker, idp.slug, idp.saml, saml.client.sample ?? ''),
  };

  const cores = availableParallelism();
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const result = {
    bench: 'idp',
    date: new Date().toISOString(),
    machine: { cpus: cores, model: cpus()[0]?.model ?? '?', node: process.version, loadBefore },
    openssl: {
      version: rsa.version,
      rsa2048: { signPerSec: rsa.signPerSec, verifyPerSec: rsa.verifyPerSec },
      ecdsap256: { signPerSec: ecdsa.signPerSec, verifyPerSec: ecdsa.verifyPerSec },
    },
    ...{ seconds, clients, logins },
    oidcRs256: loadFigures(rs, rsa.signPerSec, 'rsa', cores),
    oidcEs256: loadFigures(es, ecdsa.signPerSec, 'ecdsa', cores),
    saml: loadFigures(saml, rsa.signPerSec, 'rsa', cores),
    checks,
    login: {
      count: login.ops,
      errors: login.errors,
      firstError: login.firstError ?? null,
      msP50: m.percentile(login.ms, 50),
      msP99: m.percentile(login.ms, 99),
      requestsPerLogin: login.requests / login.ops,
      verifyPasswordMsP50: m.percentile(verifyMs, 50),
      p50PerVerify: m.percentile(login.ms, 50) / m.percentile(verifyMs, 50),
      argon2ShareOfLatency: sum(loginTotals.argon2Ms) / sum(login.ms),
    },
  };

  const { oidcRs256: a, oidcEs256: e, saml: s, login: l } = result;
  const loads = [a, e, s];
  const rows: [string, string][] = [
    [
      'openssl sign/s: RSA-2048, P-256',
      `${m.fmt(rsa.signPerSec, 0)}, ${m.fmt(ecdsa.signPerSec, 0)}`,
    ],
    ...loadRows('OIDC code flows/s, RS256', a, 'RSA-2048', 'rsa'),
    ...loadRows('OIDC code flows/s, ES256', e, 'P-256', 'ecdsa'),
    ...loadRows('SAML Responses/s', s, 'RSA-2048', 'rsa'),
    ['complete login p50 / p99 (ms)', `${m.fmt(l.msP50)} / ${m.fmt(l.msP99)}`],
    ['  logins, requests each', `${l.count}, ${m.fmt(l.requestsPerLogin, 1)}`],
    ['  bare verifyPassword p50 (ms)', m.fmt(l.verifyPasswordMsP50)],
    ['  login p50 ÷ verifyPassword p50', m.fmt(l.p50PerVerify, 2)],
    ['  Argon2 share of login latency', m.pct(l.argon2ShareOfLatency)],
    ['CPU obtained: RS256, ES256, SAML', loads.map((f) => m.pct(f.cpuObtained)).join(', ')],
    ['CPU of other processes', loads.map((f) => m.pct(f.cpuOthers)).join(', ')],
    ['errors: RS256, ES256, SAML, login', [...loads, l].map((f) => f.errors).join(', ')],
  ];
  rows.push(['checked: ID tokens', `${checks.idTokenRs256}, ${checks.idTokenEs256}`]);
  rows.push(['checked: SAML Response', checks.samlResponse.slice(0, 60)]);
  const firstError = [...loads, l].map((f) => f.firstError).find(Boolean);
  if (firstError) rows.push(['first error', firstError.slice(0, 80)]);
  const title =
    `idp bench: ${seconds} s per load, ${clients} signed-in clients, ${logins} logins max, ` +
    `${cores} CPUs (load ${loadBefore.toFixed(1)}), ${rsa.version.split(' ').slice(0, 2).join(' ')}`;
  m.report(title, rows, result, switches);
} finally {
  await worker?.terminate();
  await idp?.close();
}
