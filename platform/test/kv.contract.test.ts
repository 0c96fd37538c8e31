/**
 * The ephemeral-store contract: one suite of behaviours every `Kv` backend must show, run
 * against the in-process backend (time from a ManualClock) and a real redis-server (short
 * real TTLs). Redis-only cases follow: several instances as several nodes, key prefixes,
 * and failing closed when the server goes away.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '../src/clock.ts';
import type { Kv } from '../src/kv/kv.ts';
import { createMemoryKv } from '../src/kv/memory.ts';
import { createRedisKv } from '../src/kv/redis.ts';
import { freePort, startRedis, testRedisUrl, type TestRedis } from '@sekisho/platform/test-support';

interface Backend {
  name: string;
  /** A new store, empty and isolated from every store opened before. */
  open(): Promise<Kv>;
  /** A TTL the suite uses for keys that must expire during a test. */
  shortTtlMs: number;
  /** Lets `ms` pass as the stores see time. */
  elapse(ms: number): Promise<void>;
}

/** Collects published messages; `waitFor` resolves once one arrived (bounded wait). */
function inbox() {
  const messages: string[] = [];
  const waiters = new Set<() => void>();
  return {
    messages,
    handler(message: string) {
      messages.push(message);
      for (const wake of waiters) wake();
    },
    async waitFor(message: string, timeoutMs = 3_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!messages.includes(message)) {
        const left = deadline - Date.now();
        if (left <= 0) assert.fail(`no message ${message} within ${timeoutMs} ms: ${messages}`);
        let wake = () => {};
        const woken = new Promise<void>((resolve) => (wake = resolve));
        waiters.add(wake);
        const timer = setTimeout(wake, left);
        await woken;
        clearTimeout(timer);
        waiters.delete(wake);
      }
    },
  };
}

function contract(backend: Backend): void {
  describe(`Kv contract: ${backend.name}`, () => {
    let kv: Kv;
    beforeEach(async () => {
      kv = await backend.open();
    });
    afterEach(async () => {
      await kv.close();
    });

    it('returns what was set, overwrites, and forgets deleted keys', async () => {
      assert.equal(await kv.get('a'), undefined);
      await kv.set('a', 'one');
      assert.equal(await kv.get('a'), 'one');
      await kv.set('a', 'two ✓ 二');
      assert.equal(await kv.get('a'), 'two ✓ 二');
      await kv.set('empty', '');
      assert.equal(await kv.get('empty'), '');
      assert.equal(await kv.delete('a'), true);
      assert.equal(await kv.get('a'), undefined);
      assert.equal(await kv.delete('a'), false);
    });

    it('expires a key after its TTL', async () => {
      const ttl = backend.shortTtlMs;
      await kv.set('session', 'v', { ttlMs: ttl });
      await kv.set('forever', 'v');
      assert.equal(await kv.get('session'), 'v');
      await backend.elapse(ttl + 50);
      assert.equal(await kv.get('session'), undefined);
      assert.equal(await kv.ttl('session'), undefined);
      assert.equal(await kv.get('forever'), 'v');
    });

    it('reports the remaining TTL in ms, Infinity without expiry, undefined when absent', async () => {
      assert.equal(await kv.ttl('missing'), undefined);
      await kv.set('plain', 'v');
      assert.equal(await kv.ttl('plain'), Infinity);
      await kv.set('timed', 'v', { ttlMs: 60_000 });
      const left = await kv.ttl('timed');
      assert.ok(left !== undefined && left > 55_000 && left <= 60_000, `ttl ${left}`);
      await kv.set('timed', 'v2');
      assert.equal(await kv.ttl('timed'), Infinity, 'set without TTL clears the old expiry');
    });

    it('setIfAbsent sets only a missing or expired key', async () => {
      assert.equal(await kv.setIfAbsent('lock', 'first', { ttlMs: backend.shortTtlMs }), true);
      assert.equal(await kv.setIfAbsent('lock', 'second'), false);
      assert.equal(await kv.get('lock'), 'first');
      const left = await kv.ttl('lock');
      assert.ok(left !== undefined && left > 0 && left <= backend.shortTtlMs, `ttl ${left}`);
      await backend.elapse(backend.shortTtlMs + 50);
      assert.equal(await kv.setIfAbsent('lock', 'third'), true);
      assert.equal(await kv.get('lock'), 'third');
      assert.equal(await kv.ttl('lock'), Infinity);
    });

    it('compareAndSet swaps only from the expected value', async () => {
      assert.equal(await kv.compareAndSet('k', 'x', 'y'), false, 'absent is not "x"');
      assert.equal(await kv.get('k'), undefined);
      assert.equal(await kv.compareAndSet('k', undefined, 'v1'), true, 'absent expected');
      assert.equal(await kv.get('k'), 'v1');
      assert.equal(await kv.compareAndSet('k', undefined, 'v2'), false, 'present, not absent');
      assert.equal(await kv.compareAndSet('k', 'wrong', 'v2'), false, 'mismatch');
      assert.equal(await kv.get('k'), 'v1');
      assert.equal(await kv.compareAndSet('k', 'v1', 'v2', { ttlMs: 60_000 }), true);
      assert.equal(await kv.get('k'), 'v2');
      const left = await kv.ttl('k');
      assert.ok(left !== undefined && left > 55_000 && left <= 60_000, `ttl ${left}`);
      assert.equal(await kv.compareAndSet('k', 'v2', 'v3'), true);
      assert.equal(await kv.ttl('k'), Infinity, 'a swap without TTL clears the expiry');
      assert.equal(await kv.compareAndSet('k', 'v3', undefined), true, 'undefined next deletes');
      assert.equal(await kv.get('k'), undefined);
      assert.equal(await kv.compareAndSet('k', 'v3', undefined), false);
    });

    it('compareAndSet treats an expired key as absent', async () => {
      await kv.set('k', 'old', { ttlMs: backend.shortTtlMs });
      await backend.elapse(backend.shortTtlMs + 50);
      assert.equal(await kv.compareAndSet('k', 'old', 'new'), false);
      assert.equal(await kv.compareAndSet('k', undefined, 'new'), true);
      assert.equal(await kv.get('k'), 'new');
    });

    it('compareAndSet lets exactly one of many concurrent writers win', async () => {
      await kv.set('state', 'pending');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => kv.compareAndSet('state', 'pending', `w${i}`)),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      assert.equal(await kv.get('state'), `w${winner}`);
    });

    it('take returns the value once and deletes it', async () => {
      await kv.set('code', 'abc');
      assert.equal(await kv.take('code'), 'abc');
      assert.equal(await kv.take('code'), undefined);
      assert.equal(await kv.get('code'), undefined);
      assert.equal(await kv.take('never'), undefined);
    });

    it('take is single-use under concurrency: 50 parallel takes get one value', async () => {
      await kv.set('token', 'secret');
      const taken = await Promise.all(Array.from({ length: 50 }, () => kv.take('token')));
      assert.deepEqual(
        taken.filter((v) => v !== undefined),
        ['secret'],
      );
    });

    it('take does not return an expired value', async () => {
      await kv.set('code', 'abc', { ttlMs: backend.shortTtlMs });
      await backend.elapse(backend.shortTtlMs + 50);
      assert.equal(await kv.take('code'), undefined);
    });

    it('increment creates the key and adds `by`', async () => {
      assert.equal(await kv.increment('n'), 1);
      assert.equal(await kv.increment('n'), 2);
      assert.equal(await kv.increment('n', { by: 5 }), 7);
      assert.equal(await kv.increment('n', { by: -10 }), -3);
      assert.equal(await kv.get('n'), '-3');
      assert.equal(await kv.increment('m', { by: 4 }), 4);
    });

    it('increment is atomic: 100 parallel increments count 100', async () => {
      const values = await Promise.all(Array.from({ length: 100 }, () => kv.increment('hits')));
      assert.equal(await kv.get('hits'), '100');
      assert.deepEqual(
        values.sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
    });

    it('increment sets the TTL when it creates the key, never later', async () => {
      await kv.increment('window', { ttlMs: 10_000 });
      await kv.increment('window', { ttlMs: 60_000 });
      const left = await kv.ttl('window');
      assert.ok(left !== undefined && left > 5_000 && left <= 10_000, `ttl ${left}`);
      await kv.set('counter', '5');
      assert.equal(await kv.increment('counter', { ttlMs: 10_000 }), 6);
      assert.equal(await kv.ttl('counter'), Infinity, 'an existing key keeps no expiry');
    });

    it('increment starts a new window after the key expired', async () => {
      assert.equal(await kv.increment('rate', { ttlMs: backend.shortTtlMs }), 1);
      assert.equal(await kv.increment('rate', { ttlMs: backend.shortTtlMs }), 2);
      await backend.elapse(backend.shortTtlMs + 50);
      assert.equal(await kv.increment('rate', { ttlMs: backend.shortTtlMs }), 1);
    });

    it('increment rejects a value that is not an integer', async () => {
      await kv.set('text', 'abc');
      await assert.rejects(kv.increment('text'));
      assert.equal(await kv.get('text'), 'abc');
    });

    it('delivers published strings to every subscriber of the channel', async () => {
      const a = inbox();
      const b = inbox();
      const other = inbox();
      await kv.subscribe('events', a.handler);
      await kv.subscribe('events', b.handler);
      await kv.subscribe('other', other.handler);
      await kv.publish('events', 'hello ✓ 世界');
      await a.waitFor('hello ✓ 世界');
      await b.waitFor('hello ✓ 世界');
      await kv.publish('other', 'end');
      await other.waitFor('end');
      assert.deepEqual(a.messages, ['hello ✓ 世界']);
      assert.deepEqual(other.messages, ['end'], 'a channel gets only its own messages');
      await kv.publish('nobody-listens', 'dropped');
    });

    it('stops delivery to an unsubscribed handler, not to the others', async () => {
      const gone = inbox();
      const stays = inbox();
      const unsubscribe = await kv.subscribe('ch', gone.handler);
      await kv.subscribe('ch', stays.handler);
      await kv.publish('ch', 'one');
      await gone.waitFor('one');
      await stays.waitFor('one');
      await unsubscribe();
      await unsubscribe(); // idempotent
      await kv.publish('ch', 'two');
      // Messages arrive in order, so once "two" reached `stays` it would have reached `gone`.
      await stays.waitFor('two');
      assert.deepEqual(gone.messages, ['one']);
    });

    it('counts one handler subscribed twice as two subscriptions', async () => {
      const box = inbox();
      const first = await kv.subscribe('dup', box.handler);
      await kv.subscribe('dup', box.handler);
      await kv.publish('dup', 'x');
      await box.waitFor('x');
      await first();
      await kv.publish('dup', 'y');
      await box.waitFor('y');
      assert.deepEqual(box.messages, ['x', 'x', 'y']);
    });

    it('answers ping', async () => {
      await kv.ping();
    });
  });
}

const clock = new ManualClock();
contract({
  name: 'memory',
  open: async () => createMemoryKv({ clock }),
  shortTtlMs: 1_000,
  elapse: async (ms) => clock.advance(ms),
});

let redis: TestRedis;
let namespaces = 0;
/** Each call gets keys of its own under the test file's prefix. */
const redisKv = (prefix = `${redis.keyPrefix}${++namespaces}:`) =>
  createRedisKv({ url: redis.url, keyPrefix: prefix });

describe('Redis backend', () => {
  before(async () => {
    redis = await testRedisUrl();
  });
  after(async () => {
    await redis.stop();
  });

  contract({
    name: 'redis',
    open: () => redisKv(),
    shortTtlMs: 150,
    elapse: (ms) => sleep(ms),
  });

  describe('as several nodes', () => {
    const open: Kv[] = [];
    const node = async (prefix: string) => {
      const kv = await redisKv(prefix);
      open.push(kv);
      return kv;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((kv) => kv.close()));
    });

    it('two instances with one prefix share keys and messages', async () => {
      const prefix = `${redis.keyPrefix}shared${++namespaces}:`;
      const [a, b] = await Promise.all([node(prefix), node(prefix)]);
      await a.set('session', 's1', { ttlMs: 60_000 });
      assert.equal(await b.get('session'), 's1');
      assert.equal(await b.take('session'), 's1');
      assert.equal(await a.take('session'), undefined, 'taken on one node is gone on the other');
      await Promise.all([a.increment('n'), b.increment('n'), a.increment('n')]);
      assert.equal(await b.get('n'), '3');
      const box = inbox();
      await b.subscribe('revoked', box.handler);
      await a.publish('revoked', 'user-1');
      await box.waitFor('user-1');
    });

    it('a key prefix isolates keys and channels of two instances', async () => {
      const p1 = `${redis.keyPrefix}iso${++namespaces}:`;
      const p2 = `${redis.keyPrefix}iso${++namespaces}:`;
      const [a, b, raw] = await Promise.all([node(p1), node(p2), node('')]);
      await a.set('k', 'from-a');
      assert.equal(await b.get('k'), undefined);
      assert.equal(await b.setIfAbsent('k', 'from-b'), true);
      assert.equal(await a.get('k'), 'from-a');
      assert.equal(await raw.get(`${p1}k`), 'from-a', 'keys are stored under the prefix');
      assert.equal(await raw.get(`${p2}k`), 'from-b');
      const box = inbox();
      await b.subscribe('ch', box.handler);
      await a.publish('ch', 'leak');
      await b.publish('ch', 'own');
      // One subscriber connection receives in server order: a leak would precede "own".
      await box.waitFor('own');
      assert.deepEqual(box.messages, ['own']);
    });
  });

  describe('failing closed', () => {
    it('rejects start-up when Redis is unreachable, naming the server', async () => {
      const port = await freePort();
      await assert.rejects(
        createRedisKv({ url: `redis://:hunter2@127.0.0.1:${port}`, connectTimeoutMs: 300 }),
        (err: Error) =>
          err.message.includes(`127.0.0.1:${port}`) &&
          err.message.includes('unreachable') &&
          !err.message.includes('hunter2'),
      );
    });

    it('rejects commands instead of crashing once the server is gone', async () => {
      const server = await startRedis();
      const kv = await createRedisKv({ url: server.url });
      try {
        await kv.set('k', 'v');
        await kv.subscribe('ch', () => {});
        await server.stop();
        await assert.rejects(kv.get('k'));
        await assert.rejects(kv.take('k'));
        await assert.rejects(kv.ping(), /does not answer/);
      } finally {
        await kv.close();
        await server.stop();
      }
    });

    it('rejects commands after close', async () => {
      const kv = await redisKv();
      await kv.ping();
      await kv.close();
      await assert.rejects(kv.get('k'));
      await assert.rejects(kv.ping());
    });
  });
});
