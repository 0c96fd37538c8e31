/**
 * The load generator of the mTLS benchmark, run in a worker thread so its TLS work does not
 * share the server's event loop (it still shares the CPU cores). Each operation is one full
 * handshake with a client certificate, never resumed (no session is offered), then one
 * request, `Connection: close`, read to the end: the server has then verified the certificate
 * whatever the TLS version (in TLS 1.3 the client's certificate arrives after the client
 * already considers the handshake done). The same code drives Sekisho and openssl s_server.
 */
import { connect } from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';

export interface MtlsClientSetup {
  /** The server's certificate (the only one trusted), the client's certificate and key. */
  ca: string;
  cert: string;
  key: string;
  clients: number;
}

export interface MtlsRun {
  port: number;
  seconds: number;
  record: boolean;
}

export interface MtlsClientResult {
  handshakes: number;
  errors: number;
  firstError?: string | undefined;
  wallMs: number;
  /** Connect to end of response, per operation. */
  ms: number[];
  cpuMs: number;
}

const setup = workerData as MtlsClientSetup;
const REQUEST = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

function once(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let head = '';
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: setup.ca,
      cert: setup.cert,
      key: setup.key,
      timeout: 30_000,
    });
    socket.on('secureConnect', () => socket.write(REQUEST));
    socket.on('data', (chunk: Buffer) => {
      if (head.length < 16) head += chunk.toString('latin1');
    });
    socket.on('end', () => {
      socket.destroy();
      if (/^HTTP\/1\.[01] 200/.test(head)) resolve();
      else reject(new Error(`unexpected answer '${head.slice(0, 16)}'`));
    });
    socket.on('timeout', () => socket.destroy(new Error('timed out')));
    socket.on('error', reject);
  });
}

async function drive(run: MtlsRun): Promise<MtlsClientResult> {
  const result: MtlsClientResult = { handshakes: 0, errors: 0, wallMs: 0, ms: [], cpuMs: 0 };
  const cpu0 = process.threadCpuUsage();
  const start = performance.now();
  const deadline = start + run.seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await once(run.port);
        result.handshakes++;
        if (run.record) result.ms.push(performance.now() - t0);
      } catch (err) {
        result.errors++;
        result.firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: setup.clients }, loop));
  result.wallMs = performance.now() - start;
  const cpu = process.threadCpuUsage(cpu0);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  return result;
}

parentPort?.on('message', (run: MtlsRun) => {
  drive(run).then(
    (r) => parentPort?.postMessage(r),
    (err: unknown) => parentPort?.postMessage({ fatal: String(err) }),
  );
});
