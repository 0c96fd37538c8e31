/**
 * Two Sekisho nodes as deployed: two `gateway/src/main.ts` processes on one PostgreSQL and
 * one Redis, each with its own data directory and port, driven over real HTTPS. What users
 * rely on: the demo admin is created once; an account lock, the per-IP throttle and an
 * admin's session revocation hold on every node at once; SIGTERM shuts a node down cleanly.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
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
import {
  NodeBrowser,
  send,
  startNode,
  NODE_START_MS,
  apiCall,
  waitReady,
  type GatewayNode,
} from './support/gateway-node.ts';

const LOCKOUT_THRESHOLD = 5;
const IP_FAILURE_LIMIT = 8;
const DEMO_ADMIN = 'admin@demo.example';
const MEMBER = 'member@demo.example';
const MEMBER_PASSWORD = 'a trusted passphrase 2024';

/** Both nodes' start-up plus the tests themselves. */
const SUITE_MS = NODE_START_MS + 60_000;

describe('two gateway nodes sharing PostgreSQL and Redis', { timeout: SUITE_MS }, () => {
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
      a = startNode('node A', portA, dirA, { ...env, SEKISHO_DEMO_TENANT: 'true' });
      b = startNode('node B', portB, dirB, { ...env, SEKISHO_DEMO_TENANT: 'true' });
      nodes.push(a, b);
      await Promise.all([waitReady(a, NODE_START_MS), waitReady(b, NODE_START_MS)]);
      db = new pg.Client({ connectionString: postgres.url });
      await db.connect();
    },
    { timeout: NODE_START_MS + 15_000 },
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
    const login = await new NodeBrowser(other.base).login(DEMO_ADMIN, demoPassword);
    assert.equal(login.status, 303, login.body);
    assert.equal(login.headers.location, '/t/demo/portal');
  });

  it('locks an account on both nodes after wrong passwords spread across them, auditing it once', async () => {
    const admin = await db!.query<{ id: string }>(`SELECT id FROM users WHERE login_id = $1`, [
      DEMO_ADMIN,
    ]);
    const adminId = admin.rows[0]!.id;
    const browsers = [new NodeBrowser(a.base), new NodeBrowser(b.base)];
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
      apiCall(node, operator, method, path, body);

    const created = await api(a, 'POST', '/api/tenants/demo/users', {
      loginId: MEMBER,
      displayName: 'メンバー',
      password: MEMBER_PASSWORD,
    });
    assert.equal(created.status, 201, created.body);
    const member = JSON.parse(created.body) as { id: string };

    const browser = new NodeBrowser(b.base);
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
    const browsers = [new NodeBrowser(a.base), new NodeBrowser(b.base)];
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
