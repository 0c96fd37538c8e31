/**
 * Counting failed logins in the ephemeral store, so the limits hold across every node that
 * shares it:
 * - per account: `threshold` failures within `windowMs` lock the account for `lockMs`;
 * - per source IP: `ipLimit` failures within `ipWindowMs` throttle that IP until the window
 *   ends, checked before any password is hashed so a burst costs no CPU.
 * Counters are fixed windows created with their TTL (one atomic increment each).
 */
import type { Kv } from '../kv/kv.ts';

export interface ThrottleSettings {
  threshold: number;
  windowMs: number;
  lockMs: number;
  ipLimit: number;
  ipWindowMs: number;
}

export interface LoginThrottle {
  /** Milliseconds until the IP may try again, or 0. */
  ipBlockedFor(ip: string): Promise<number>;
  /** Milliseconds until the account unlocks, or 0. */
  accountLockedFor(tenantId: string, userId: string): Promise<number>;
  /** Records one failure; true when this failure locked the account. */
  recordFailure(
    tenantId: string,
    userId: string | undefined,
    ip: string,
  ): Promise<{ locked: boolean }>;
  recordSuccess(tenantId: string, userId: string): Promise<void>;
  unlock(tenantId: string, userId: string): Promise<void>;
}

export function createLoginThrottle(kv: Kv, s: ThrottleSettings): LoginThrottle {
  const ipKey = (ip: string) => `login:ip-fail:${ip}`;
  const failKey = (t: string, u: string) => `login:fail:${t}:${u}`;
  const lockKey = (t: string, u: string) => `login:lock:${t}:${u}`;
  const remaining = async (key: string) => {
    const ttl = await kv.ttl(key);
    return ttl === undefined ? 0 : ttl === Infinity ? Number.MAX_SAFE_INTEGER : Math.max(ttl, 1);
  };
  return {
    async ipBlockedFor(ip) {
      const n = Number((await kv.get(ipKey(ip))) ?? 0);
      return n >= s.ipLimit ? remaining(ipKey(ip)) : 0;
    },
    accountLockedFor: (t, u) => remaining(lockKey(t, u)),
    async recordFailure(t, u, ip) {
      await kv.increment(ipKey(ip), { ttlMs: s.ipWindowMs });
      if (!u) return { locked: false };
      const n = await kv.increment(failKey(t, u), { ttlMs: s.windowMs });
      if (n < s.threshold) return { locked: false };
      // Only the failure that sets the lock reports it, so the lock is audited once.
      const locked = await kv.setIfAbsent(lockKey(t, u), String(Date.now()), { ttlMs: s.lockMs });
      await kv.delete(failKey(t, u));
      return { locked };
    },
    async recordSuccess(t, u) {
      await kv.delete(failKey(t, u));
    },
    async unlock(t, u) {
      await kv.delete(lockKey(t, u));
      await kv.delete(failKey(t, u));
    },
  };
}
