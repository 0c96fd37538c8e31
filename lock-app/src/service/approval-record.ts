/**
 * A pending approval as it lives in the shared store: a small JSON value under
 * `lock:approval:{id}` (a bench holds 10,000 at once), never in the database.
 *
 * - It stays readable for a grace period after its expiry, so a late answer is told
 *   "expired" and a replayed one "already answered", instead of "unknown".
 * - Every state change is a compare-and-set from the exact value read, so of two nodes
 *   racing on one approval exactly one wins; the winner publishes the new state on the
 *   approval's channel.
 */
import { kvKeys, type LockDeps } from './deps.ts';
import type { ApprovalState, DenyReason } from './types.ts';

export const GRACE_MS = 5 * 60_000;

export interface ApprovalRecord {
  /** tenant, user, device */
  t: string;
  u: string;
  d: string;
  /** the two-digit number */
  n: string;
  s: 'pending' | 'approved' | 'denied' | 'consumed';
  r?: DenyReason;
  /** created and expiry, ms since the epoch */
  c: number;
  e: number;
  /** application name and client IP, shown in the app */
  a: string;
  ip: string;
}

export async function readApproval(
  deps: LockDeps,
  id: string,
): Promise<{ raw: string; rec: ApprovalRecord } | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const raw = await deps.platform.kv.get(kvKeys.approval(id));
  return raw === undefined ? undefined : { raw, rec: JSON.parse(raw) as ApprovalRecord };
}

export function stateOf(rec: ApprovalRecord, now: number): ApprovalState {
  switch (rec.s) {
    case 'pending':
      return now >= rec.e ? { state: 'expired' } : { state: 'pending', expiresAt: new Date(rec.e) };
    case 'approved':
      return { state: 'approved' };
    case 'denied':
      return { state: 'denied', reason: rec.r ?? 'user-denied' };
    case 'consumed':
      return { state: 'consumed' };
  }
}

/** Replaces `from` by `next` atomically; publishes the new state when this call won. */
export async function transition(
  deps: LockDeps,
  id: string,
  from: string,
  next: ApprovalRecord,
): Promise<boolean> {
  const { kv, clock } = deps.platform;
  const ttlMs = Math.max(1, next.e + GRACE_MS - clock.now().getTime());
  const won = await kv.compareAndSet(kvKeys.approval(id), from, JSON.stringify(next), { ttlMs });
  if (won) await kv.publish(kvKeys.approvalChannel(id), next.s);
  return won;
}

export async function approvalStatus(
  deps: LockDeps,
  tenantId: string,
  id: string,
): Promise<ApprovalState> {
  const found = await readApproval(deps, id);
  if (!found || found.rec.t !== tenantId) return { state: 'expired' };
  return stateOf(found.rec, deps.platform.clock.now().getTime());
}

/** Approved -> consumed, once, for this user only. */
export async function consumeApproval(
  deps: LockDeps,
  tenantId: string,
  id: string,
  userId: string,
): Promise<boolean> {
  const found = await readApproval(deps, id);
  if (!found) return false;
  const { raw, rec } = found;
  if (rec.t !== tenantId || rec.u !== userId || rec.s !== 'approved') return false;
  return transition(deps, id, raw, { ...rec, s: 'consumed' });
}
