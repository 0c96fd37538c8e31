/**
 * Redis backend of the ephemeral store, shared by every node. Each check-and-update is one
 * atomic Redis step (a native command or a Lua script), never read-then-write, so the
 * semantics equal the in-process backend's (`memory.ts`); both pass
 * `platform/test/kv.contract.test.ts`.
 *
 * One connection runs commands; a duplicate, opened on the first `subscribe`, carries
 * pub/sub (a subscribed connection cannot run other commands). While Redis is unreachable
 * commands reject at once (no offline queue), so callers fail closed, and the clients keep
 * reconnecting in the background; a lost connection never crashes the process.
 */
import { createClient } from 'redis';
import type { IncrementOptions, Kv, MessageHandler, SetOptions } from './kv.ts';

export interface RedisKvOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://` for TLS. */
  url: string;
  /** Prepended to every key and channel; default `sekisho:`. */
  keyPrefix?: string;
  /** How long the first connection may take before start-up fails; default 10 s. */
  connectTimeoutMs?: number;
}

type Client = ReturnType<typeof createClient>;

/**
 * KEYS[1] key; ARGV: hasExpected ('1'|'0'), expected, hasNext ('1'|'0'), next, ttl ms ('0' = none).
 * GET of an absent key is `false` in Lua, which equals no string.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '0' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] == '0' then
  redis.call('SET', KEYS[1], ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
end
return 1`;

/** KEYS[1] key; ARGV: by, ttl ms ('0' = none). The TTL is set only when INCRBY creates the key. */
const INCREMENT = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

/**
 * Redis takes whole milliseconds above zero. As in the memory backend, no TTL or 0 means the
 * key never expires; a fraction rounds up and a negative TTL expires the key at once (1 ms).
 */
function px(options: SetOptions | undefined): number {
  const ttl = options?.ttlMs;
  return ttl ? Math.max(1, Math.ceil(ttl)) : 0;
}

/** The URL without its password, for error messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable Redis URL)';
  }
}

async function connect(client: Client, url: string, timeoutMs: number, lastError: () => unknown) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const cause = lastError();
      const why = cause instanceof Error ? `: ${cause.message}` : '';
      reject(
        new Error(`Redis at ${redact(url)} unreachable after ${timeoutMs} ms${why}`, { cause }),
      );
    }, timeoutMs);
  });
  try {
    await Promise.race([client.connect(), timeout]);
  } catch (err) {
    client.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export async function createRedisKv(options: RedisKvOptions): Promise<Kv> {
  const prefix = options.keyPrefix ?? 'sekisho:';
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const k = (key: string) => prefix + key;
  let lastError: unknown;
  const recordError = (err: unknown) => {
    lastError = err;
  };

  const client: Client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) },
  });
  client.on('error', recordError);
  await connect(client, options.url, connectTimeoutMs, () => lastError);

  let subscriber: Promise<Client> | undefined;
  const subscriberClient = () => {
    subscriber ??= (async () => {
      const sub = client.duplicate();
      sub.on('error', recordError);
      await connect(sub, options.url, connectTimeoutMs, () => lastError);
      return sub;
    })().catch((err: unknown) => {
      subscriber = undefined; // the next subscribe tries again
      throw err;
    });
    return subscriber;
  };

  // QUIT when connected (pending replies arrive first); a reconnecting client is dropped.
  const quit = async (c: Client) => {
    if (c.isReady) await c.close().catch(() => c.destroy());
    else if (c.isOpen) c.destroy();
  };

  return {
    async get(key) {
      return (await client.get(k(key))) ?? undefined;
    },
    async set(key, value, o) {
      const ttl = px(o);
      await client.set(k(key), value, ttl ? { expiration: { type: 'PX', value: ttl } } : {});
    },
    async setIfAbsent(key, value, o) {
      const ttl = px(o);
      const reply = await client.set(k(key), value, {
        condition: 'NX',
        ...(ttl ? { expiration: { type: 'PX', value: ttl } } : {}),
      });
      return reply !== null;
    },
    async compareAndSet(key, expected, next, o) {
      const reply = await client.eval(COMPARE_AND_SET, {
        keys: [k(key)],
        arguments: [
          expected === undefined ? '0' : '1',
          expected ?? '',
          next === undefined ? '0' : '1',
          next ?? '',
          String(px(o)),
        ],
      });
      return reply === 1;
    },
    async take(key) {
      return (await client.getDel(k(key))) ?? undefined;
    },
    async delete(key) {
      return (await client.del(k(key))) > 0;
    },
    async increment(key, o?: IncrementOptions) {
      const reply = await client.eval(INCREMENT, {
        keys: [k(key)],
        arguments: [String(o?.by ?? 1), String(px(o))],
      });
      return Number(reply);
    },
    async ttl(key) {
      const ms = await client.pTTL(k(key));
      if (ms === -2) return undefined;
      if (ms === -1) return Infinity;
      return ms;
    },
    async publish(channel, message) {
      await client.publish(k(channel), message);
    },
    async subscribe(channel, handler: MessageHandler) {
      const sub = await subscriberClient();
      // One listener per call, so one handler subscribed twice is two subscriptions. Delivery
      // is deferred as in the memory backend: a throwing handler cannot break the connection.
      const listener = (message: string) => queueMicrotask(() => handler(message));
      await sub.subscribe(k(channel), listener);
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        if (sub.isOpen) await sub.unsubscribe(k(channel), listener);
      };
    },
    async ping() {
      try {
        await client.ping();
      } catch (err) {
        const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
        throw new Error(`Redis at ${redact(options.url)} does not answer${why}`, { cause: err });
      }
    },
    async close() {
      const sub = subscriber;
      subscriber = undefined;
      await Promise.all([
        quit(client),
        sub?.then(quit, () => {
          // it never connected; nothing to close
        }),
      ]);
    },
  };
}
