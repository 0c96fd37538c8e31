/**
 * Two Sekisho nodes as deployed: two `gateway/src/main.ts` processes on one PostgreSQL and
 * one Redis, each with its own data directory and port, driven over real HTTPS. What users
 * rely on: the demo admin is created once; an account lock, the per-IP throttle and an
 * admin's session revocation hold on every node at once; SIGTERM shuts a node down cleanly.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createApiTokenService, openDurableStore, systemClock } from '@sekisho/platform';
import {
  freePort,
  makeTempDir,
  testPostgresUrl,
  testRedisUrl,
  type TestPostgres,
  type TestRedis,
} from '@sekisho/platform/test-support';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;
const LOCKOUT_THRESHOLD = 5;
const IP_FAILURE_LIMIT = 8;
const DEMO_ADMIN = 'admin@demo.example';
const MEMBER = 'member@demo.example';
const MEMBER_PASSWORD = 'a trusted passphrase 2024';

/** TLS is self-signed per node; no keep-alive so SIGTERM finds no idle connection to wait for. */
const agent = new Agent({ rejectUnauthorized: false, keepAlive: false });

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, base),
      { method, agent, headers, timeout: 10_000 },
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

/** One browser talking to one node: keeps the cookies it is given, posts forms. */
class Browser {
  readonly base: string;
  #cookies = new Map<string, string>();

  constructor(base: string) {
    this.base = base;
  }

  async request(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<Response> {
    const cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await send(
      this.base,
      method,
      path,
      { ...(cookie && { cookie }), ...headers },
      body,
    );
    const setCookie = res.headers['set-cookie'] ?? [];
    for (const c of setCookie) {
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

  /** GETs the login form (session cookie + CSRF token) and posts these credentials. */
  async login(loginId: string, password: string): Promise<Response> {
    const form = await this.get('/t/demo/login');
    assert.equal(form.status, 200, form.body);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
    assert.ok(csrf, 'the login form carries a CSRF token');
    return this.postForm('/t/demo/login', { _csrf: csrf, loginId, password });
  }
}

interface GatewayNode {
  name: string;
  child: ChildProcess;
  base: string;
  dataDir: string;
  stdout(): string;
  output(): string;
  exited: Promise<number | null>;
}

function startNode(name: string, port: number, dataDir: string, env: Record<string, string>) {
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
      SEKISHO_DEMO_TENANT: 'true',
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
  const node: GatewayNode = {
    name,
    child,
    base: `https://127.0.0.1:${port}`,
    dataDir,
    stdout: () => stdout,
    output: () => `--- ${name} stdout\n${stdout}\n--- ${name} stderr\n${stderr}`,
    exited,
  };
  return node;
}

/** Polls /readyz every 100 ms until 200; fails when the node exits or the deadline passes. */
async function waitReady(node: GatewayNode, timeoutMs: number): Promise<void> {
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

describe('two gateway nodes sharing PostgreSQL and Redis', { timeout: 60_000 }, () => {
  let postgres: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  let db: pg.Client | undefined;
  const nodes: GatewayNode[] = [];
  let a: GatewayNode;
  let b: GatewayNode;
  let demoPassword: string;

  before(
    async () => {
      [postgres, redis] = await Promise.all([testPostgresUrl(), testRedisUrl()]);
      // The Redis server may be shared with other test files and the nodes' key prefix is
      // fixed, so these nodes get a Redis database of their own.
      const redisUrl = `${redis.url}/${randomInt(1, 16)}`;
      const env = {
        DATABASE_URL: postgres.url,
        REDIS_URL: redisUrl,
        // Nodes of one deployment share the master key: a session cookie sealed by one
        // node opens on the other.
        SEKISHO_MASTER_KEY: randomBytes(32).toString('base64'),
        LOCKOUT_THRESHOLD: String(LOCKOUT_THRESHOLD),
        IP_FAILURE_LIMIT: String(IP_FAILURE_LIMIT),
        SHUTDOWN_GRACE_SECONDS: '10',
      };
      const [portA, portB] = [await freePort(), await freePort()];
      const [dirA, dirB] = await Promise.all([
        makeTempDir('sekisho-node-a-'),
        makeTempDir('sekisho-node-b-'),
      ]);
      a = startNode('node A', portA, dirA, env);
      b = startNode('node B', portB, dirB, env);
      nodes.push(a, b);
      await Promise.all([waitReady(a, 30_000), waitReady(b, 30_000)]);
      db = new pg.Client({ connectionString: postgres.url });
      await db.connect();
    },
    { timeout: 45_000 },
  );

  after(
    async () => {
      for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGKILL');
      await Promise.all(nodes.map((n) => n.exited));
      for (const n of nodes) rmSync(n.dataDir, { recursive: true, force: true });
      await db?.end().catch(() => {});
      await Promise.allSettled([postgres?.stop(), redis?.stop()]);
    },
    { timeout: 15_000 },
  );

  const auditCount = async (action: string, targetId?: string): Promise<number> => {
    const r = await db!.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_events WHERE action = $1 AND ($2::text IS NULL OR target_id = $2)`,
      [action, targetId ?? null],
    );
    return Number(r.rows[0]?.n);
  };

  it('prints the demo admin password on exactly one node', async () => {
    const printed = nodes.filter((n) => /password: \S+/.test(n.stdout()));
    assert.equal(printed.length, 1, nodes.map((n) => n.output()).join('\n'));
    demoPassword = /password: (\S+)/.exec(printed[0]!.stdout())![1]!;
    const tenants = await db!.query(`SELECT id FROM tenants WHERE slug = 'demo'`);
    assert.equal(tenants.rowCount, 1);
    assert.equal(await auditCount('tenant.bootstrap'), 1);

    // The printed password works, on either node.
    const other = nodes.find((n) => n !== printed[0])!;
    const login = await new Browser(other.base).login(DEMO_ADMIN, demoPassword);
    assert.equal(login.status, 303, login.body);
    assert.equal(login.headers.location, '/t/demo/portal');
  });

  it('locks an account on both nodes after wrong passwords spread across them, auditing it once', async () => {
    const admin = await db!.query<{ id: string }>(`SELECT id FROM users WHERE login_id = $1`, [
      DEMO_ADMIN,
    ]);
    const adminId = admin.rows[0]!.id;
    const browsers = [new Browser(a.base), new Browser(b.base)];
    const statuses: number[] = [];
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) {
      const res = await browsers[i % 2]!.login(DEMO_ADMIN, `wrong password ${i}`);
      statuses.push(res.status);
    }
    // Four plain failures, and the fifth (on node A after 3 on A and 2 on B) locks.
    assert.deepEqual(statuses, [401, 401, 401, 401, 423]);

    for (const browser of browsers) {
      const res = await browser.login(DEMO_ADMIN, demoPassword);
      assert.equal(res.status, 423, `${browser.base} still lets the locked account in`);
      assert.equal(res.headers.location, undefined);
    }
    assert.equal(await auditCount('login.locked', adminId), 1);
    const failures = await db!.query<{ reason: string }>(
      `SELECT reason FROM audit_events WHERE action = 'login.password' AND target_id = $1
       AND result = 'failure' ORDER BY id`,
      [adminId],
    );
    assert.deepEqual(
      failures.rows.map((r) => r.reason),
      [
        ...Array<string>(LOCKOUT_THRESHOLD).fill('wrong-password'),
        'account-locked',
        'account-locked',
      ],
    );
  });

  it('ends on node B a session revoked through node A', async () => {
    // An operator token, written straight into the shared database by the platform service.
    const store = await openDurableStore({ databaseUrl: postgres!.url, poolSize: 1 });
    let operator: string;
    try {
      operator = (
        await createApiTokenService(store.db, systemClock).create({
          tenantId: null,
          name: 'two-nodes test',
          role: 'operator',
        })
      ).token;
    } finally {
      await store.close();
    }
    const api = (node: GatewayNode, method: string, path: string, body?: unknown) =>
      send(
        node.base,
        method,
        path,
        {
          authorization: `Bearer ${operator}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body === undefined ? undefined : JSON.stringify(body),
      );

    const created = await api(a, 'POST', '/api/tenants/demo/users', {
      loginId: MEMBER,
      displayName: 'メンバー',
      password: MEMBER_PASSWORD,
    });
    assert.equal(created.status, 201, created.body);
    const member = JSON.parse(created.body) as { id: string };

    const browser = new Browser(b.base);
    const login = await browser.login(MEMBER, MEMBER_PASSWORD);
    assert.equal(login.status, 303, login.body);
    assert.equal(login.headers.location, '/t/demo/portal');
    assert.equal((await browser.get('/t/demo/portal')).status, 200);
    // The same cookie is honoured by node A too (shared master key and revocation store).
    const onA = await send(a.base, 'GET', '/t/demo/portal', {
      cookie: String(login.headers['set-cookie']?.[0]?.split(';')[0]),
    });
    assert.equal(onA.status, 200);

    const revoked = await api(a, 'DELETE', `/api/tenants/demo/users/${member.id}/sessions`);
    assert.equal(revoked.status, 204, revoked.body);

    const afterRevoke = await browser.get('/t/demo/portal');
    assert.equal(afterRevoke.status, 303);
    assert.match(String(afterRevoke.headers.location), /^\/t\/demo\/login/);
    assert.equal(await auditCount('user.sessions-revoke', member.id), 1);
  });

  it('throttles a burst of failed logins from one address on both nodes with Retry-After', async () => {
    const browsers = [new Browser(a.base), new Browser(b.base)];
    // The five wrong passwords above came from this address too; three more reach the limit.
    const statuses: number[] = [];
    for (let i = 0; i < IP_FAILURE_LIMIT; i++) {
      const res = await browsers[i % 2]!.login(`nobody-${i}-${Date.now()}@demo.example`, 'x');
      statuses.push(res.status);
      if (res.status === 429) break;
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    const unknown = await db!.query(
      `SELECT 1 FROM users WHERE login_id LIKE 'nobody-%'`, // no account came into being
    );
    assert.equal(unknown.rowCount, 0);

    for (const browser of browsers) {
      // Throttled before any password is checked: even the right one is refused.
      const res = await browser.login(MEMBER, MEMBER_PASSWORD);
      assert.equal(res.status, 429, `${browser.base} does not throttle`);
      const retryAfter = Number(res.headers['retry-after']);
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
        `Retry-After ${String(res.headers['retry-after'])}`,
      );
    }
    assert.ok((await auditCount('login.password')) > 0);
    const throttled = await db!.query(
      `SELECT 1 FROM audit_events WHERE action = 'login.password' AND reason = 'ip-throttled'`,
    );
    assert.ok(throttled.rowCount && throttled.rowCount >= 3);
  });

  it('exits 0 on SIGTERM', async () => {
    for (const n of nodes) n.child.kill('SIGTERM');
    const codes = await Promise.race([
      Promise.all(nodes.map((n) => n.exited)),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('nodes did not exit within 15 s')), 15_000).unref(),
      ),
    ]);
    assert.deepEqual(codes, [0, 0], nodes.map((n) => n.output()).join('\n'));
  });
});
