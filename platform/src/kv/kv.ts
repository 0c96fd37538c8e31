/**
 * The ephemeral shared store: TTL keys, atomic counters, compare-and-set and
 * publish/subscribe. What lives here may be lost on restart (login interactions, pending
 * approvals, rate limits, revocations); what must survive goes to the durable store.
 *
 * Backends: `createMemoryKv()` (one process) and `createRedisKv()` (several nodes). Both
 * pass the same contract suite (`platform/test/kv.contract.test.ts`).
 */

export interface SetOptions {
  /** Time to live in milliseconds; without it the key does not expire. */
  ttlMs?: number | undefined;
}

export interface IncrementOptions {
  by?: number;
  /** Applied when the increment creates the key (a fixed window), not on later increments. */
  ttlMs?: number | undefined;
}

export type MessageHandler = (message: string) => void;

export interface Kv {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: SetOptions): Promise<void>;
  /** Sets only when the key does not exist; true when it was set. */
  setIfAbsent(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /**
   * Atomically replaces the value when it currently equals `expected` (`undefined` = the key
   * is absent). `next` undefined deletes the key. True when the swap happened.
   */
  compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    options?: SetOptions,
  ): Promise<boolean>;
  /** Deletes and returns the value in one step (a single-use token). */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<boolean>;
  /** Atomic add; creates the key at 0 first. Returns the new value. */
  increment(key: string, options?: IncrementOptions): Promise<number>;
  /** Remaining time to live in ms; undefined when absent, Infinity when it never expires. */
  ttl(key: string): Promise<number | undefined>;
  publish(channel: string, message: string): Promise<void>;
  /** Returns the function that ends the subscription. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
