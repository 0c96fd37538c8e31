/**
 * Lock across two Sekisho nodes as deployed: two `gateway/src/main.ts` processes sharing one
 * PostgreSQL and one Redis. The login waits on node A (its server-sent event stream), the
 * phone's signed approval lands on node B, and node A's page continues: the answer travels
 * through the shared store's publish/subscribe, not through either process's memory.
 *
 * The phone is played by node:crypto: a P-256 key pair, enrolled through node B's app API
 * with no push subscription (the app then pulls), signing exactly what docs/lock.md says.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, randomInt, sign, type KeyObject } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
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
  csrfOf,
  firstEvent,
  send,
  startNode,
  NODE_START_MS,
  apiCall,
  waitReady,
  type GatewayNode,
} from './support/gateway-node.ts';

const MEMBER = 'lock-member@demo.example';
const PASSWORD = 'a trusted passphrase 2024';

/** The phone: signs `[purpose, tenant, ...fields].join('\n')` as WebCrypto would (P1363). */
function signed(key: KeyObject, purpose: string, fields: (string | number)[]): string {
  const data = Buffer.from([purpose, 'demo', ...fields.map(String)].join('\n'), 'utf8');
  return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

/** Both nodes' start-up plus the tests themselves. */
const SUITE_MS = NODE_START_MS + 60_000;

describe('Lock on two gateway nodes sharing PostgreSQL and Redis', { timeout: SUITE_MS }, () => {
  let postgres: TestPostgres | undefined;
  let redis: TestRedis | undefined;
  const nodes: GatewayNode[] = [];
  const dirs: string[] = [];
  let a: GatewayNode;
  let b: GatewayNode;
  let operator: string;

  const api = (node: GatewayNode, method: string, path: string, body?: unknown) =>
    apiCall(node, operator, method, path, body);
  const appApi = (node: GatewayNode, call: string, body: unknown) =>
    send(
      node.base,
      'POST',
      `/t/demo/lock/api/${call}`,
      { 'content-type': 'application/json' },
      JSON.stringify(body),
    );

  before(
    async () => {
      [postgres, redis] = await Promise.all([testPostgresUrl(), testRedisUrl()]);
      const env = {
        DATABASE_URL: postgres.url,
        // The nodes' key prefix is fixed and the Redis server may be shared: a database of
        // their own.
        REDIS_URL: `${redis.url}/${randomInt(1, 16)}`,
        SEKISHO_MASTER_KEY: randomBytes(32).toString('base64'),
        SEKISHO_DEMO_TENANT: 'true',
      };
      const [portA, portB] = [await freePort(), await freePort()];
      const [dirA, dirB] = await Promise.all([
        makeTempDir('sekisho-lock-a-'),
        makeTempDir('sekisho-lock-b-'),
      ]);
      dirs.push(dirA, dirB);
      a = startNode('node A', portA, dirA, env);
      b = startNode('node B', portB, dirB, env);
      nodes.push(a, b);
      await Promise.all([waitReady(a, NODE_START_MS), waitReady(b, NODE_START_MS)]);
      const store = await openDurableStore({ databaseUrl: postgres.url, poolSize: 1 });
      try {
        const tokens = createApiTokenService(store.db, systemClock);
        operator = (
          await tokens.create({ tenantId: null, name: 'lock two-nodes', role: 'operator' })
        ).token;
      } finally {
        await store.close();
      }
    },
    { timeout: NODE_START_MS + 15_000 },
  );

  after(
    async () => {
      for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGKILL');
      await Promise.all(nodes.map((n) => n.exited));
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      await Promise.allSettled([postgres?.stop(), redis?.stop()]);
    },
    { timeout: 15_000 },
  );

  it('continues the login waiting on node A when the phone approves on node B', async () => {
    const created = await api(a, 'POST', '/api/tenants/demo/users', {
      loginId: MEMBER,
      displayName: 'Lock member',
      password: PASSWORD,
    });
    assert.equal(created.status, 201, created.body);

    // Enrollment: the portal on node A gives the link; the phone enrolls on node B.
    const portal = new NodeBrowser(a.base);
    const signedIn = await portal.submit('/t/demo/login', '/t/demo/login', {
      loginId: MEMBER,
      password: PASSWORD,
    });
    assert.equal(signedIn.headers.location, '/t/demo/portal', signedIn.body);
    const setup = await portal.submit('/t/demo/portal', '/t/demo/portal/lock');
    assert.equal(setup.status, 200, setup.body.slice(0, 500));
    const token = /#enroll=([A-Za-z0-9_-]+)/.exec(setup.body)?.[1];
    assert.ok(token, 'the portal shows the enrollment link');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
    const enrolled = await appApi(b, 'enroll', {
      token,
      deviceName: 'Test phone',
      publicKey: { kty, crv, x, y },
      subscription: null,
    });
    assert.equal(enrolled.status, 201, enrolled.body);
    const { deviceId } = JSON.parse(enrolled.body) as { deviceId: string };

    const group = await api(a, 'POST', '/api/tenants/demo/policy-groups', {
      name: 'lock required',
      isDefault: true,
      allowCondition: 'true',
      skipSecondFactorCondition: 'false',
      factors: ['lock'],
    });
    assert.equal(group.status, 201, group.body);

    // The login on node A: password, then the Lock request and its number.
    const laptop = new NodeBrowser(a.base);
    const password = await laptop.submit('/t/demo/login', '/t/demo/login', {
      loginId: MEMBER,
      password: PASSWORD,
    });
    assert.equal(password.status, 303, password.body);
    assert.equal(password.headers.location, '/t/demo/login/factor');
    const started = await laptop.submit('/t/demo/login/factor', '/t/demo/login/factor/lock');
    assert.ok([200, 303].includes(started.status), started.body.slice(0, 500));
    const waitPage = started.status === 303 ? await laptop.get('/t/demo/login/factor') : started;
    const number = /id="lock-number"[^>]*>\s*([0-9]{2})\s*</.exec(waitPage.body)?.[1];
    assert.ok(number, 'the login page shows the number');

    // Node A's event stream is waiting before the answer is given on node B.
    const stream = firstEvent(
      a.base,
      '/t/demo/login/factor/lock/events',
      { cookie: laptop.cookieHeader },
      ['approved', 'denied', 'expired'],
      20_000,
    );
    await stream.opened;

    const ts = Date.now();
    const pending = await appApi(b, 'pending', {
      deviceId,
      ts,
      signature: signed(privateKey, 'sekisho-lock-pending', [deviceId, ts]),
    });
    assert.equal(pending.status, 200, pending.body);
    const [approval] = (JSON.parse(pending.body) as { approvals: { id: string; ip: string }[] })
      .approvals;
    assert.ok(approval, 'node B lists the request made on node A');
    assert.equal(approval.ip, '127.0.0.1');
    const answer = await appApi(b, 'answer', {
      deviceId,
      approvalId: approval.id,
      decision: 'approve',
      number,
      signature: signed(privateKey, 'sekisho-lock-answer', [
        deviceId,
        approval.id,
        'approve',
        number,
      ]),
    });
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(JSON.parse(answer.body), { state: 'approved' });

    const event = await stream.event;
    assert.equal(event.name, 'approved');
    const waitAgain = await laptop.get('/t/demo/login/factor');
    const done = await laptop.postForm('/t/demo/login/factor/lock/complete', {
      _csrf: csrfOf(waitAgain.body),
    });
    assert.equal(done.status, 303, done.body);
    assert.equal(done.headers.location, '/t/demo/portal');
    assert.equal((await laptop.get('/t/demo/portal')).status, 200);
    // The session works on node B too: one deployment.
    assert.equal((await laptop.at(b.base).get('/t/demo/portal')).status, 200);
  });
});
