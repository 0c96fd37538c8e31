/**
 * Mutual-TLS benchmark: full handshakes with a client certificate per second through
 * Sekisho's mTLS listener (MTLS_PORT) compared with `openssl s_server -verify 1` given the
 * same server certificate, key and client CA, on the same machine, driven by the same client
 * code; and device certificates issued per second (RSA key, signature, contract count, insert)
 * compared with bare RSA-2048 key generation at the same concurrency.
 *
 *   node bench/mtls.bench.ts [--seconds 10] [--clients 4] [--rounds 2] [--json] [--save]
 *
 * Sekisho runs in-process (startServer, embedded PGlite, logging off); each handshake is a
 * fresh connection with `GET /healthz`. The load generator is a worker thread (see
 * lib/mtls-client.ts). Sekisho and openssl alternate in `--rounds` slices so that load from
 * other processes hits both alike. What the figures mean: docs/device-certificates.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPair } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '@sekisho/platform';
import { createDeviceCertService } from '@sekisho/device-cert';
import { startServer, type RunningServer } from '@sekisho/gateway';
import type { MtlsClientResult, MtlsClientSetup, MtlsRun } from './lib/mtls-client.ts';
import * as m from './lib/measure.ts';

const { values, switches } = m.parseFlags(process.argv.slice(2), {
  seconds: 10,
  clients: 4,
  rounds: 2,
});
const { seconds, clients, rounds } = values;
const slice = seconds / rounds;
const warmup = Math.min(2, seconds / 5);
const DEVICE = { os: 'Linux', deviceIdType: 'serial', deviceId: 'bench' };

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Starts `openssl s_server` and waits until it accepts connections. */
async function startOpensslServer(dir: string, port: number) {
  const args = ['s_server', '-accept', `127.0.0.1:${port}`, '-www', '-quiet'];
  args.push('-cert', 'server.pem', '-key', 'server.key', '-CAfile', 'ca.pem', '-verify', '1');
  const child = spawn('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(s.destroy() && true));
      s.on('error', () => resolve(false));
    });
    if (ok) return { child, output: () => out };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error(`openssl s_server did not start: ${out}`);
}

/** Issues certificates (or generates bare keys) in `clients` loops for `secs`. */
async function loops(secs: number, op: () => Promise<unknown>) {
  const start = performance.now();
  const deadline = start + secs * 1000;
  let ops = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      await op();
      ops++;
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return { ops, wallMs: performance.now() - start };
}

const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-bench-mtls-'));
let server: RunningServer | undefined;
let openssl: ChildProcess | undefined;
let worker: Worker | undefined;
try {
  const config = loadConfig({
    ...{ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', MTLS_PORT: '0' },
    ...{ PUBLIC_URL: 'https://127.0.0.1', SEKISHO_DEMO_TENANT: 'false', LOG_LEVEL: 'silent' },
  });
  const node = (server = await startServer(config, { logger: false }));
  const certs = createDeviceCertService({ platform: node.platform });
  const tenant = await node.platform.tenants.create({
    ...{ slug: 'bench', name: 'Bench', maxUsers: 10 },
    maxDeviceCerts: 100_000,
  });
  const user = await node.platform.users.create(tenant.id, {
    loginId: 'u@bench.example',
    displayName: 'Bench',
  });
  const issue = () =>
    certs.issue(tenant.id, { userId: user.id, device: DEVICE, loginType: 'personal' });
  const { certificatePem: caPem } = await certs.ensureCa(tenant.id);
  await node.mtls?.refresh();
  const issued = await issue();
  const p12password = 'bench-p12-password';
  const p12 = await certs.pkcs12(tenant.id, issued.id, { password: p12password, legacy: false });

  // The same files for openssl: server cert/key of the node, the tenant CA, the client pair.
  const tlsDir = join(dataDir, 'tls');
  writeFileSync(join(tlsDir, 'server.pem'), readFileSync(join(tlsDir, 'cert.pem')));
  writeFileSync(join(tlsDir, 'server.key'), readFileSync(join(tlsDir, 'key.pem')));
  writeFileSync(join(tlsDir, 'ca.pem'), caPem);
  writeFileSync(join(tlsDir, 'client.p12'), p12);
  const exec = promisify((await import('node:child_process')).execFile);
  const { stdout: clientKey } = await exec(
    'openssl',
    ['pkcs12', '-in', 'client.p12', '-nocerts', '-nodes', '-passin', `pass:${p12password}`],
    { cwd: tlsDir },
  );
  const opensslPort = await freePort();
  const s = await startOpensslServer(tlsDir, opensslPort);
  openssl = s.child;

  let verified = 0;
  let unverified = 0;
  node.mtls?.server.on('secureConnection', (socket) => {
    if (socket.authorized) verified++;
    else unverified++;
  });
  const setup: MtlsClientSetup = {
    ca: readFileSync(join(tlsDir, 'cert.pem'), 'utf8'),
    cert: issued.certificatePem,
    key: clientKey,
    clients,
  };
  const w = (worker = new Worker(new URL('./lib/mtls-client.ts', import.meta.url), {
    workerData: setup,
  }));
  const sekishoPort = Number(new URL(node.mtls?.url ?? '').port);
  const samples = { sekisho: [] as number[], openssl: [] as number[] };
  const errors = { sekisho: 0, openssl: 0, first: '' };
  const drive = async (target: 'sekisho' | 'openssl', secs: number, record: boolean) => {
    const run: MtlsRun = {
      port: target === 'sekisho' ? sekishoPort : opensslPort,
      seconds: secs,
      record,
    };
    w.postMessage(run);
    const [r] = (await once(w, 'message')) as [MtlsClientResult | { fatal: string }];
    if ('fatal' in r) throw new Error(r.fatal);
    if (record) {
      samples[target].push(...r.ms);
      errors[target] += r.errors;
      errors.first ||= r.firstError ?? '';
    }
    return { ops: r.handshakes, wallMs: r.wallMs };
  };

  const [sek, ossl, iss, keys] = [m.totals(), m.totals(), m.totals(), m.totals()];
  const loadBefore = loadavg()[0] ?? 0;
  await drive('sekisho', warmup, false);
  await drive('openssl', warmup, false);
  [verified, unverified] = [0, 0];
  for (let round = 0; round < rounds; round++) {
    await m.measure(sek, () => drive('sekisho', slice, true));
    await m.measure(ossl, () => drive('openssl', slice, true));
  }
  await loops(warmup, issue);
  for (let round = 0; round < rounds; round++) {
    await m.measure(iss, () => loops(slice, issue));
    await m.measure(keys, () =>
      loops(slice, () => promisify(generateKeyPair)('rsa', { modulusLength: 2048 })),
    );
  }
  const opensslVerifyErrors = (s.output().match(/verify error/g) ?? []).length;

  const perSec = (t: m.Totals) => t.ops / (t.wallMs / 1000);
  const cores = availableParallelism();
  const result = {
    bench: 'mtls',
    date: new Date().toISOString(),
    machine: { cpus: cores, model: cpus()[0]?.model ?? '?', node: process.version, loadBefore },
    ...{ seconds, rounds, clients },
    handshakes: {
      sekishoPerSec: perSec(sek),
      opensslPerSec: perSec(ossl),
      ratio: perSec(sek) / perSec(ossl),
      sekishoMsP50: m.percentile(samples.sekisho, 50),
      sekishoMsP99: m.percentile(samples.sekisho, 99),
      opensslMsP50: m.percentile(samples.openssl, 50),
      opensslMsP99: m.percentile(samples.openssl, 99),
      sekishoVerified: verified,
      sekishoUnverified: unverified,
      opensslVerifyErrors,
      errors,
    },
    issuance: {
      certificatesPerSec: perSec(iss),
      rsaKeysPerSec: perSec(keys),
      ratio: perSec(iss) / perSec(keys),
    },
  };
  const h = result.handshakes;
  const rows: [string, string][] = [
    ['mTLS handshakes/s: Sekisho', m.fmt(h.sekishoPerSec)],
    ['mTLS handshakes/s: openssl s_server', m.fmt(h.opensslPerSec)],
    ['Sekisho ÷ openssl', m.pct(h.ratio)],
    ['p50 / p99 ms: Sekisho', `${m.fmt(h.sekishoMsP50)} / ${m.fmt(h.sekishoMsP99)}`],
    ['p50 / p99 ms: openssl', `${m.fmt(h.opensslMsP50)} / ${m.fmt(h.opensslMsP99)}`],
    ['client cert verified: Sekisho', `${h.sekishoVerified} ok, ${h.sekishoUnverified} not`],
    ['openssl verify errors', String(h.opensslVerifyErrors)],
    ['errors: Sekisho / openssl', `${errors.sekisho} / ${errors.openssl}`],
    ['certificates issued/s', m.fmt(result.issuance.certificatesPerSec)],
    ['bare RSA-2048 keys/s', m.fmt(result.issuance.rsaKeysPerSec)],
    ['issued ÷ bare keys', m.pct(result.issuance.ratio)],
  ];
  if (errors.first) rows.push(['first error', errors.first]);
  const title =
    `mtls bench: ${seconds} s per load in ${rounds} rounds, ${clients} clients, ` +
    `${cores} CPUs (load ${loadBefore.toFixed(1)})`;
  m.report(title, rows, result, switches);
} finally {
  await worker?.terminate();
  openssl?.kill();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
}
