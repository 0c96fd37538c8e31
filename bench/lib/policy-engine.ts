/**
 * Times the pure policy engine in this thread. Decisions run in batches of `batch`; the
 * kinds of load take turns batch by batch (in a rotating order), so a slower moment of the
 * machine lands on all of them alike. Every other batch times each decision on its own
 * (`process.hrtime.bigint()` before and after: the per-decision distribution, p50/p99, with
 * the cost of one timer pair in it); the batches between are timed as a whole (the mean
 * without per-call timers, a cross-check of the p50). Requests are built before timing.
 */
import type { Condition } from '../../gateway/src/policy/condition/index.ts';
import type { CompiledIpSets } from '../../gateway/src/policy/ip-set/index.ts';
import type { DecisionRequest } from '../../gateway/src/policy/engine/decide.ts';
import type { TenantPolicy } from '../../gateway/src/policy/engine/policy-model.ts';
import { percentile } from './measure.ts';

/** A tenant whose one group (the default) has this allow condition and never asks a factor. */
export function oneGroupPolicy(allow: Condition, ipSets: CompiledIpSets): TenantPolicy {
  const group = {
    ...{ id: 'g', name: 'bench', applications: 'all' as const, allow },
    ...{ skipSecondFactor: { kind: 'const', value: true } as const, factors: [] },
    loginLifetimeHours: 168,
    ...{ memberGroups: [], rulePriority: 0 },
  };
  return {
    ...{ tenantId: 'bench', timeZone: 'Asia/Tokyo', groups: new Map([['g', group]]) },
    ...{ defaultGroupId: 'g', assignments: new Map(), ipSets },
    ...{ passIssuance: { kind: 'const', value: false }, passLifetimeDays: 365 },
  };
}

/** Post-password requests of an ordinary user from these addresses, at one instant. */
export function requests(ips: readonly string[], at: Date): DecisionRequest[] {
  const subject = {
    ...{ id: 'u-bench', loginId: 'bench@corp.example', status: 'active' as const },
    ...{ groups: ['Engineering'], attributes: { employment: 'employee' }, enrolledFactors: [] },
  };
  return ips.map((ip) => ({
    stage: 'post-auth',
    subject,
    context: { ip, at, amr: ['pwd'] },
    availableFactors: [],
  }));
}

export interface Kind {
  name: string;
  /** The requests this kind cycles through. */
  reqs: readonly DecisionRequest[];
  run(request: DecisionRequest): unknown;
}

export interface KindTiming {
  /** Nanoseconds of each individually timed decision. */
  samples: number[];
  batchNs: number;
  batchCount: number;
}

export interface EngineStats {
  decisions: number;
  p50Us: number;
  p99Us: number;
  p999Us: number;
  /** Mean from whole-batch timing (no per-call timers). */
  meanUs: number;
}

let sink = 0; // results feed this, so no call can be optimized away

function timeEach(kind: Kind, from: number, n: number, into: number[]) {
  const reqs = kind.reqs;
  for (let j = 0; j < n; j++) {
    const req = reqs[(from + j) % reqs.length] as DecisionRequest;
    const t0 = process.hrtime.bigint();
    const out = kind.run(req);
    const t1 = process.hrtime.bigint();
    into.push(Number(t1 - t0));
    if (out === undefined) sink++;
  }
}

function timeBatch(kind: Kind, from: number, n: number): number {
  const reqs = kind.reqs;
  const t0 = process.hrtime.bigint();
  for (let j = 0; j < n; j++)
    if (kind.run(reqs[(from + j) % reqs.length] as DecisionRequest) === undefined) sink++;
  return Number(process.hrtime.bigint() - t0);
}

/** Runs `total` decisions of each kind (fewer if `deadlineMs` passes first). */
export function timeKinds(
  kinds: readonly Kind[],
  opts: { total: number; batch: number; warmup: number; deadlineMs: number },
): Map<string, KindTiming> {
  for (const kind of kinds) timeBatch(kind, 0, opts.warmup);
  const timing = new Map(
    kinds.map((k) => [k.name, { samples: [], batchNs: 0, batchCount: 0 } as KindTiming]),
  );
  const deadline = performance.now() + opts.deadlineMs;
  for (
    let b = 0, from = 0;
    from < opts.total && performance.now() < deadline;
    b++, from += opts.batch
  ) {
    const n = Math.min(opts.batch, opts.total - from);
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(b + k) % kinds.length] as Kind;
      const t = timing.get(kind.name) as KindTiming;
      if (b % 2 === 0) timeEach(kind, from, n, t.samples);
      else {
        t.batchNs += timeBatch(kind, from, n);
        t.batchCount += n;
      }
    }
  }
  if (sink < 0) console.log(sink);
  return timing;
}

export function stats(t: KindTiming): EngineStats {
  const us = (ns: number) => ns / 1000;
  return {
    decisions: t.samples.length + t.batchCount,
    p50Us: us(percentile(t.samples, 50)),
    p99Us: us(percentile(t.samples, 99)),
    p999Us: us(percentile(t.samples, 99.9)),
    meanUs: us(t.batchNs / Math.max(1, t.batchCount)),
  };
}

/** Nanoseconds of one `hrtime.bigint()` pair with nothing between: the floor of every sample. */
export function timerOverheadNs(): number {
  const samples: number[] = [];
  for (let i = 0; i < 100_000; i++) {
    const t0 = process.hrtime.bigint();
    samples.push(Number(process.hrtime.bigint() - t0));
  }
  return percentile(samples, 50);
}
