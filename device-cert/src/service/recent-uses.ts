/**
 * The recent uses of one certificate in the shared store: a JSON list under one key, updated
 * with compare-and-set (retried on a concurrent write), so two nodes recording uses of the
 * same certificate at once both land and each sees the other.
 */
import { SekishoError } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';

export interface RecentUse {
  /** Network (`/24` or `/64`), user agent, session id, address, time (ms). */
  net: string;
  ua: string;
  sid: string;
  ip: string;
  at: number;
}

const MAX_USES = 20;
const MAX_TRIES = 20;

export const usesKey = (tenantId: string, certId: string) =>
  `device-cert:uses:${tenantId}:${certId}`;

function parseUses(raw: string | undefined): RecentUse[] {
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? (v as RecentUse[]) : [];
  } catch {
    return [];
  }
}

/** Another session's use from a different network or client (a suspected copy). */
export function conflictsWith(a: RecentUse, b: RecentUse): boolean {
  return a.sid !== b.sid && (a.net !== b.net || a.ua !== b.ua);
}

/** Stores `use` and returns the earlier uses within the window that conflict with it. */
export async function rememberUse(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
  use: RecentUse,
): Promise<RecentUse[]> {
  const key = usesKey(tenantId, certId);
  const since = use.at - deps.copyWindowMs;
  for (let i = 0; i < MAX_TRIES; i++) {
    const raw = await deps.platform.kv.get(key);
    const recent = parseUses(raw).filter((u) => u.at > since);
    const conflicts = recent.filter((u) => conflictsWith(use, u));
    const others = recent.filter(
      (u) => !(u.sid === use.sid && u.net === use.net && u.ua === use.ua),
    );
    const next = JSON.stringify([...others, use].slice(-MAX_USES));
    if (await deps.platform.kv.compareAndSet(key, raw, next, { ttlMs: deps.copyWindowMs })) {
      return conflicts;
    }
  }
  throw new SekishoError('ERR_STORE_UNAVAILABLE', 'certificate uses kept changing; try again');
}
