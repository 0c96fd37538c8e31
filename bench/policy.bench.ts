/**
 * Policy benchmark (issue #4), two measurements in one run, each against its own baseline:
 *
 * 1. The engine alone: `decide()` per decision (p50/p99) for a tenant with 10,000 CIDR blocks
 *    in 100 IP sets and an allow condition of 4096 characters, from random (seeded) source
 *    addresses, IPv4 and IPv6; the same for a tenant whose condition is `true`; and the heavy
 *    condition evaluated without a trace (what the trace costs).
 * 2. Complete password logins (GET form + POST) against a real Sekisho: a tenant with that
 *    heavy policy, saved through the admin API, and a tenant with no policy groups (allow
 *    all), alternating; the difference and ratio of their p50/p99 latency is what the policy
 *    adds to a login.
 *
 *   node bench/policy.bench.ts [--decisions 200000] [--batch 1000] [--engine-seconds 120]
 *                              [--seconds 30] [--rounds 10] [--clients 1] [--users 20]
 *                              [--seed 1] [--json] [--save]
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import {
  evaluate,
  parseCondition,
  type ConditionInput,
} from '../gateway/src/policy/condition/index.ts';
import { decide, type DecisionRequest } from '../gateway/src/policy/engine/decide.ts';
import { compileIpSets, validateIpSet } from '../gateway/src/policy/ip-set/index.ts';
import * as m from './lib/measure.ts';
import { heavyCondition, ipSets, seeded, sourceIps } from './lib/policy-fixture.ts';
import * as engine from './lib/policy-engine.ts';
import { drive, startPolicyServer, type LoginSamples } from './lib/policy-login.ts';

const { values, switches } = m.parseFlags(process.argv.slice(2), {
  ...{ decisions: 200_000, batch: 1000, 'engine-seconds': 120 },
  ...{ seconds: 30, rounds: 10, clients: 1, users: 20, seed: 1 },
});
const SETS = 100;
const ENTRIES = 10_000;
const CONDITION_CHARS = 4096;

// The heavy policy, from the seed.
const rand = seeded(values.seed);
const sets = ipSets(rand, SETS, ENTRIES, 0.3);
const compiled = compileIpSets(sets.map((s) => validateIpSet(s)));
const text = heavyCondition(
  rand,
  sets.map((s) => s.identifier),
  CONDITION_CHARS,
);
const condition = parseCondition(text, new Set(compiled.keys()));
const heavy = engine.oneGroupPolicy(condition, compiled);
const trivial = engine.oneGroupPolicy(parseCondition('true'), new Map());
const reqs = engine.requests(sourceIps(rand, sets, 50_000, 0.5), new Date());

// 1. The engine alone.
const conditionInput = (r: DecisionRequest): ConditionInput => ({
  ...{ ip: r.context.ip, at: r.context.at, ipSets: compiled, timeZone: heavy.timeZone },
  subject: r.subject,
});
const loadBefore = loadavg()[0] ?? 0;
const kinds: engine.Kind[] = [
  { name: 'heavy', reqs, run: (r) => decide(heavy, r) },
  { name: 'heavy-no-trace', reqs, run: (r) => evaluate(condition, conditionInput(r)) },
  { name: 'trivial', reqs, run: (r) => decide(trivial, r) },
];
const timing = engine.timeKinds(kinds, {
  ...{ total: values.decisions, batch: values.batch, warmup: 5000 },
  deadlineMs: values['engine-seconds'] * 1000,
});
const s = (name: string) => engine.stats(timing.get(name) as engine.KindTiming);
const [h, hn, t] = [s('heavy'), s('heavy-no-trace'), s('trivial')];
const sample = reqs.slice(0, 2000).map((r) => decide(heavy, r));
const allowedShare = sample.filter((d) => d.kind === 'allow').length / sample.length;
const termsPerDecision = m.mean(sample.map((d) => d.trace.length));
const intervals = [...compiled.values()].reduce((n, c) => n + c.intervals.v4 + c.intervals.v6, 0);

// 2. Complete logins, heavy policy vs allow-all, alternating slices.
const server = await startPolicyServer(values.users, sets, text);
const logins: Record<'heavy' | 'open', LoginSamples> = {
  heavy: { loginMs: [], postMs: [], errors: 0, firstError: '' },
  open: { loginMs: [], postMs: [], errors: 0, firstError: '' },
};
try {
  const workers = {
    heavy: server.worker('heavy', values.clients),
    open: server.worker('open', values.clients),
  };
  const warmup = Math.min(2, values.seconds / 5);
  await drive(workers.heavy, warmup);
  await drive(workers.open, warmup);
  const slice = values.seconds / (2 * values.rounds);
  for (let round = 0; round < values.rounds; round++) {
    const order = round % 2 === 0 ? (['heavy', 'open'] as const) : (['open', 'heavy'] as const);
    for (const slug of order) await drive(workers[slug], slice, logins[slug]);
  }
} finally {
  await server.close();
}
if (!logins.heavy.loginMs.length || !logins.open.loginMs.length)
  throw new Error(`no successful login: ${logins.heavy.firstError || logins.open.firstError}`);

const p = (xs: number[], q: number) => m.percentile(xs, q);
const login = (l: LoginSamples) => ({
  logins: l.loginMs.length,
  errors: l.errors,
  firstError: l.firstError || null,
  loginMsP50: p(l.loginMs, 50),
  loginMsP99: p(l.loginMs, 99),
  postMsP50: p(l.postMs, 50),
  postMsP99: p(l.postMs, 99),
});
const [lh, lo] = [login(logins.heavy), login(logins.open)];
const cores = availableParallelism();
const result = {
  bench: 'policy',
  date: new Date().toISOString(),
  wallSeconds: process.uptime(),
  machine: { cpus: cores, model: cpus()[0]?.model ?? '?', node: process.version, loadBefore },
  policy: {
    ...{ seed: values.seed, ipSets: SETS, cidrEntries: ENTRIES, mergedIntervals: intervals },
    ...{ conditionChars: text.length, termsPerDecision, allowedShare },
  },
  engine: {
    timerOverheadNs: engine.timerOverheadNs(),
    heavy: h,
    heavyConditionNoTrace: hn,
    trivial: t,
    ratioP50: h.p50Us / t.p50Us,
    addedP50Us: h.p50Us - t.p50Us,
  },
  login: {
    ...{
      seconds: values.seconds,
      rounds: values.rounds,
      clients: values.clients,
      users: values.users,
    },
    heavy: lh,
    allowAll: lo,
    addedMsP50: lh.loginMsP50 - lo.loginMsP50,
    addedMsP99: lh.loginMsP99 - lo.loginMsP99,
    ratioP50: lh.loginMsP50 / lo.loginMsP50,
    ratioP99: lh.loginMsP99 / lo.loginMsP99,
  },
};

const us = (x: engine.EngineStats) =>
  `${m.fmt(x.p50Us, 2)} / ${m.fmt(x.p99Us, 2)} / ${m.fmt(x.meanUs, 2)}`;
const ms = (x: typeof lh) => `${m.fmt(x.loginMsP50)} / ${m.fmt(x.loginMsP99)}`;
const r = result.login;
const rows: [string, string][] = [
  ['engine µs p50 / p99 / mean', ''],
  ['  heavy policy, after password', us(h)],
  ['  heavy condition, no trace', us(hn)],
  ['  baseline: `true` policy', us(t)],
  ['  heavy ÷ baseline (p50)', `${m.fmt(result.engine.ratioP50)}×`],
  ['  decisions per kind', String(h.decisions)],
  ['login ms p50 / p99 (GET + POST)', ''],
  ['  heavy policy', ms(lh)],
  ['  allow-all (no groups)', ms(lo)],
  ['  added by the policy', `${m.fmt(r.addedMsP50, 2)} / ${m.fmt(r.addedMsP99, 2)}`],
  ['  ratio heavy ÷ allow-all', `${m.fmt(r.ratioP50, 3)} / ${m.fmt(r.ratioP99, 3)}`],
  ['  logins: heavy / allow-all', `${lh.logins} / ${lo.logins}`],
  ['  errors: heavy / allow-all', `${lh.errors} / ${lo.errors}`],
];
const firstError = lh.firstError ?? lo.firstError;
if (firstError) rows.push(['first error', firstError]);
const title =
  `policy bench: ${SETS} IP sets, ${ENTRIES} CIDRs (${intervals} merged), condition ${text.length} chars, ` +
  `${m.fmt(termsPerDecision)} trace entries/decision, ${m.pct(allowedShare)} allowed; ` +
  `${cores} CPUs (load ${loadBefore.toFixed(1)}), timer pair ${result.engine.timerOverheadNs} ns`;
m.report(title, rows, result, switches);
