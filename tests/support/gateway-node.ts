/**
 * A Sekisho node as deployed: a `gateway/src/main.ts` child process with its own data
 * directory and port, driven over real HTTPS (self-signed, so certificates are not checked),
 * and a cookie-keeping client for it.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;

/** No keep-alive, so SIGTERM finds no idle connection to wait for. */
const agent = new Agent({ rejectUnauthorized: false, keepAlive: false });

export interface Response {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** An admin API call with a bearer token; `body` goes as JSON. */
export function apiCall(
  node: { base: string },
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return send(
    node.base,
    method,
    path,
    {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body === undefined ? undefined : JSON.stringify(body),
  );
}

/** Sends one request; `onResponse` gets the live response instead (a stream). */
export function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, base),
      { method, agent, headers, timeout: 15_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${base}${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Opens a server-sent event stream and resolves with the first event whose name is in
 * `names` (or rejects after `timeoutMs`); the stream is closed then.
 */
export function firstEvent(
  base: string,
  path: string,
  headers: Record<string, string>,
  names: readonly string[],
  timeoutMs: number,
): { event: Promise<{ name: string; data: string }>; opened: Promise<void> } {
  let opened!: () => void;
  const openedP = new Promise<void>((r) => (opened = r));
  const event = new Promise<{ name: string; data: string }>((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, base),
      { method: 'GET', agent, headers: { accept: 'text/event-stream', ...headers } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`event stream answered ${res.statusCode}`));
          return;
        }
        let buffer = '';
        res.on('data', (c: Buffer) => {
          buffer += c.toString('utf8');
          if (buffer.includes('\n\n')) opened();
          for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const name = /^event: (.+)$/m.exec(block)?.[1];
            if (name && names.includes(name)) {
              clearTimeout(timer);
              req.destroy();
              resolve({ name, data: /^data: (.*)$/m.exec(block)?.[1] ?? '' });
            }
          }
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no ${names.join('/')} event within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => {
      if (!req.destroyed) reject(err);
    });
    req.end();
  });
  return { event, opened: openedP };
}

/** One browser talking to one node: keeps the cookies it is given, posts forms. */
export class NodeBrowser {
  readonly base: string;
  #cookies = new Map<string, string>();

  constructor(base: string) {
    this.base = base;
  }

  get cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** The same browser, talking to another node of the deployment (same cookies). */
  at(base: string): NodeBrowser {
    const other = new NodeBrowser(base);
    for (const [k, v] of this.#cookies) other.#cookies.set(k, v);
    return other;
  }

  async request(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
    const cookie = this.cookieHeader;
    const res = await send(
      this.base,
      method,
      path,
      { ...(cookie && { cookie }), ...headers },
      body,
    );
    for (const c of res.headers['set-cookie'] ?? []) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return res;
  }

  get(path: string): Promise<Response> {
    return this.request('GET', path);
  }

  postForm(path: string, form: Record<string, string>): Promise<Response> {
    return this.request(
      'POST',
      path,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams(form).toString(),
    );
  }

  /** GETs the tenant's login form (session cookie + CSRF token) and posts these credentials. */
  login(loginId: string, password: string, slug = 'demo'): Promise<Response> {
    return this.submit(`/t/${slug}/login`, `/t/${slug}/login`, { loginId, password });
  }

  /** GETs a page and posts `form` to `action` with the page's CSRF token. */
  async submit(page: string, action: string, form: Record<string, string> = {}) {
    const res = await this.get(page);
    assert.equal(res.status, 200, `${page}: ${res.body.slice(0, 300)}`);
    return this.postForm(action, { _csrf: csrfOf(res.body), ...form });
  }
}

export function csrfOf(body: string): string {
  const csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  assert.ok(csrf, 'the page carries a CSRF token');
  return csrf;
}

export interface GatewayNode {
  name: string;
  child: ChildProcess;
  base: string;
  dataDir: string;
  /** What the node printed on stdout (e.g. the demo admin's first password). */
  stdout(): string;
  output(): string;
  exited: Promise<number | null>;
}

export function startNode(
  name: string,
  port: number,
  dataDir: string,
  env: Record<string, string>,
): GatewayNode {
  const child = spawn(NODE, ['gateway/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `https://localhost:${port}`,
      LOG_LEVEL: 'warn',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('exit', (code) => resolve(code));
  });
  return {
    name,
    child,
    base: `https://127.0.0.1:${port}`,
    dataDir,
    stdout: () => stdout,
    output: () => `--- ${name} stdout\n${stdout}\n--- ${name} stderr\n${stderr}`,
    exited,
  };
}

/**
 * How long a node may take to start: on a loaded 2-core machine (other test files running,
 * apt-get installing for another one) a start-up that takes 2 s alone has taken over 30 s.
 */
export const NODE_START_MS = 60_000;

/** Polls /readyz every 100 ms until 200; fails when the node exits or the deadline passes. */
export async function waitReady(node: GatewayNode, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void node.exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined)
      assert.fail(`${node.name} exited (${exitCode}) during start-up\n${node.output()}`);
    const res = await send(node.base, 'GET', '/readyz').catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline)
      assert.fail(`${node.name} not ready after ${timeoutMs} ms\n${node.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
