/**
 * Figures and table rows of the IdP benchmark (bench/idp.md says what each one means).
 * Every rate is set against the signing rate `openssl speed` measured in the same run for
 * the key type that signs it; CPU figures come from measure.ts.
 */
import type { JobResult } from './idp-client.ts';
import * as m from './measure.ts';
import type { SignatureCount } from './sign-counter.ts';

export interface LoadRun {
  totals: m.Totals;
  client: JobResult;
  sigs: SignatureCount;
}

/** Figures of one load: `signPerSec` is the openssl baseline of the key type `key`. */
export function loadFigures(r: LoadRun, signPerSec: number, key: 'rsa' | 'ecdsa', cores: number) {
  const { ops, wallMs, cpuMs, machineMs } = r.totals;
  const perSec = ops / (wallMs / 1000);
  const perOp = (n: number) => n / ops;
  const serverCpuMsPerOp = perOp(cpuMs - r.client.cpuMs);
  const signaturesPerOp = { rsa: perOp(r.sigs.rsa), ecdsa: perOp(r.sigs.ecdsa), other: perOp(r.sigs.other) }; // prettier-ignore
  const msPerSignature = 1000 / signPerSec;
  return {
    perSec,
    errors: r.client.errors,
    firstError: r.client.firstError ?? null,
    msP50: m.percentile(r.client.ms, 50),
    msP99: m.percentile(r.client.ms, 99),
    requestsPerOp: perOp(r.client.requests),
    signaturesPerOp,
    /** The headline ratio: operations per second ÷ signatures per second. */
    shareOfSignRate: perSec / signPerSec,
    serverCpuMsPerOp,
    /** CPU the operation's signatures take at openssl's speed ÷ the server's CPU per op. */
    signingShareOfServerCpu: (signaturesPerOp[key] * msPerSignature) / serverCpuMsPerOp,
    cpuObtained: cpuMs / (wallMs * cores),
    cpuOthers: Number.isFinite(machineMs) ? (machineMs - cpuMs) / (wallMs * cores) : null,
    loadGeneratorCpuMsPerOp: perOp(r.client.cpuMs),
  };
}

export type LoadFigures = ReturnType<typeof loadFigures>;

/** A share with two significant digits when it is small (0.065 %), else like m.pct. */
export const share = (n: number) => (n >= 0.1 ? m.pct(n) : `${(n * 100).toPrecision(2)} %`);

export function loadRows(
  title: string,
  f: LoadFigures,
  baseline: string,
  key: 'rsa' | 'ecdsa',
): [string, string][] {
  const signatures =
    key === 'rsa'
      ? m.fmt(f.signaturesPerOp.rsa, 2)
      : `${m.fmt(f.signaturesPerOp.ecdsa, 2)} (+${m.fmt(f.signaturesPerOp.rsa, 2)} RSA)`;
  return [
    [title, m.fmt(f.perSec)],
    [`  ÷ ${baseline} sign/s`, share(f.shareOfSignRate)],
    [`  ${key.toUpperCase()} signatures each`, signatures],
    ['  signing share of server CPU', share(f.signingShareOfServerCpu)],
    ['  server CPU ms each', m.fmt(f.serverCpuMsPerOp)],
    ['  p50 / p99 (ms)', `${m.fmt(f.msP50)} / ${m.fmt(f.msP99)}`],
    ['  requests each', m.fmt(f.requestsPerOp, 1)],
  ];
}
