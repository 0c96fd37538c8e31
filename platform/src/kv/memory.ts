/**
 * In-process backend of the ephemeral store: correct for one node only. Expired keys are
 * dropped when read and by a periodic sweep so memory stays bounded.
 */
import type { IncrementOptions, Kv, MessageHandler, SetOptions } from './kv.ts';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';

interface Item {
  value: string;
  expiresAt: number;
}

export interface MemoryKvOptions {
  clock?: Clock;
  sweepIntervalMs?: number;
}

export function createMemoryKv(options: MemoryKvOptions = {}): Kv {
  const clock = options.clock ?? systemClock;
  const items = new Map<string, Item>();
  const channels = new Map<string, Set<MessageHandler>>();
  const now = () => clock.now().getTime();
  const expiry = (o?: SetOptions) => (o?.ttlMs ? now() + o.ttlMs : Infinity);

  const live = (key: string): Item | undefined => {
    const item = items.get(key);
    if (item && item.expiresAt <= now()) {
      items.delete(key);
      return undefined;
    }
    return item;
  };

  const sweep = setInterval(() => {
    const t = now();
    for (const [k, v] of items) if (v.expiresAt <= t) items.delete(k);
  }, options.sweepIntervalMs ?? 30_000);
  sweep.unref();

  return {
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, o) {
      items.set(key, { value, expiresAt: expiry(o) });
    },
    async setIfAbsent(key, value, o) {
      if (live(key)) return false;
      items.set(key, { value, expiresAt: expiry(o) });
      return true;
    },
    async compareAndSet(key, expected, next, o) {
      if (live(key)?.value !== expected) return false;
      if (next === undefined) items.delete(key);
      else items.set(key, { value: next, expiresAt: expiry(o) });
      return true;
    },
    async take(key) {
      const item = live(key);
      items.delete(key);
      return item?.value;
    },
    async delete(key) {
      const had = live(key) !== undefined;
      items.delete(key);
      return had;
    },
    async increment(key, o?: IncrementOptions) {
      const item = live(key);
      const by = o?.by ?? 1;
      if (!item) {
        items.set(key, { value: String(by), expiresAt: expiry(o) });
        return by;
      }
      const n = Number(item.value);
      if (!Number.isInteger(n)) throw new TypeError(`value at ${key} is not an integer`);
      item.value = String(n + by);
      return n + by;
    },
    async ttl(key) {
      const item = live(key);
      if (!item) return undefined;
      return item.expiresAt === Infinity ? Infinity : item.expiresAt - now();
    },
    async publish(channel, message) {
      for (const handler of channels.get(channel) ?? []) {
        queueMicrotask(() => handler(message));
      }
    },
    async subscribe(channel, handler) {
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      // Wrap so one handler subscribed twice is two subscriptions.
      const h: MessageHandler = (m) => handler(m);
      set.add(h);
      return async () => {
        set.delete(h);
        if (!set.size) channels.delete(channel);
      };
    },
    async ping() {},
    async close() {
      clearInterval(sweep);
      items.clear();
      channels.clear();
    },
  };
}
