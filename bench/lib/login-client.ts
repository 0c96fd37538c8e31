/**
 * The load generator of the login benchmark, run in a worker thread so its JavaScript does
 * not share the server's event loop (it still shares the CPU cores). Each login is what a
 * browser does with an empty cookie jar: GET the form (session cookie + hidden `_csrf`), then
 * POST the credentials and expect a 303. Requests go to loopback only, over keep-alive HTTPS
 * that trusts exactly the server's self-signed certificate.
 */
import { Agent, request } from 'node:https';
import { parentPort, workerData } from 'node:worker_threads';

export interface ClientSetup {
  port: number;
  ca: string;
  slug: string;
  clients: number;
  users: { loginId: string; password: string }[];
}

export interface ClientResult {
  logins: number;
  errors: number;
  firstError?: string | undefined;
  wallMs: number;
  getMs: number[];
  postMs: number[];
  /** CPU milliseconds of this (load generator) thread during the run. */
  cpuMs: number;
}

interface Response {
  status: number;
  cookies: string[];
  location: string | undefined;
  body: string;
}

const setup = workerData as ClientSetup;
const agent = new Agent({ keepAlive: true, maxSockets: setup.clients, ca: setup.ca });

function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<Response>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: setup.port, method, path, headers, agent, timeout: 30_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0] ?? ''),
            location: res.headers.location,
            body: text,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function login(user: ClientSetup['users'][number], result: ClientResult, record: boolean) {
  const path = `/t/${setup.slug}/login`;
  const t0 = performance.now();
  const form = await send('GET', path, { 'accept-language': 'en' });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  if (form.status !== 200 || !csrf) throw new Error(`GET ${path}: ${form.status}, no _csrf`);
  const t1 = performance.now();
  const body = new URLSearchParams({ _csrf: csrf, ...user }).toString();
  const res = await send(
    'POST',
    path,
    {
      cookie: form.cookies.join('; '),
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength(body)),
      'accept-language': 'en',
    },
    body,
  );
  const t2 = performance.now();
  if (res.status !== 303 || !res.location?.endsWith('/portal'))
    throw new Error(`POST ${path}: ${res.status} ${res.location ?? ''}`);
  if (!record) return;
  result.logins++;
  result.getMs.push(t1 - t0);
  result.postMs.push(t2 - t1);
}

/** Runs `clients` login loops until `seconds` have passed; in-flight logins finish. */
async function run(seconds: number, record: boolean): Promise<ClientResult> {
  const result: ClientResult = { logins: 0, errors: 0, wallMs: 0, getMs: [], postMs: [], cpuMs: 0 };
  const cpu0 = process.threadCpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let next = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const user = setup.users[next++ % setup.users.length];
      if (!user) throw new Error('no users');
      await login(user, result, record).catch((err: unknown) => {
        result.errors++;
        result.firstError ??= err instanceof Error ? err.message : String(err);
      });
    }
  };
  await Promise.all(Array.from({ length: setup.clients }, loop));
  result.wallMs = performance.now() - start;
  const cpu = process.threadCpuUsage(cpu0);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  return result;
}

parentPort?.on('message', (msg: { seconds: number; record: boolean }) => {
  run(msg.seconds, msg.record).then(
    (result) => parentPort?.postMessage(result),
    (err: unknown) => parentPort?.postMessage({ fatal: String(err) }),
  );
});
