/**
 * Protection against push fatigue and abuse (docs/lock.md, "Protections"):
 * - at most 5 approval requests per user per 10 minutes (a fixed window in the shared store,
 *   so the limit holds across nodes); beyond it ERR_LOCK_RATE_LIMITED;
 * - 3 denials within an hour (deny, wrong number, "this wasn't me") refuse new requests for
 *   an hour with ERR_LOCK_AUTO_REFUSED, and the admins are told once.
 */
import { SekishoError } from '@sekisho/platform';
import { kvKeys, type LockDeps } from './deps.ts';
import { alertAdmins } from './admin-alert.ts';
import { lockMail } from '../messages.ts';

export const FATIGUE = Object.freeze({
  maxRequests: 5,
  requestWindowMs: 10 * 60_000,
  maxDenials: 3,
  denialWindowMs: 60 * 60_000,
  refusalMs: 60 * 60_000,
});

/** Throws when the user may not get another approval request now; counts this one. */
export async function admitApprovalRequest(
  deps: LockDeps,
  tenantId: string,
  userId: string,
): Promise<void> {
  const { kv } = deps.platform;
  if ((await kv.get(kvKeys.refused(tenantId, userId))) !== undefined)
    throw new SekishoError('ERR_LOCK_AUTO_REFUSED', 'approval requests refused after denials');
  const n = await kv.increment(kvKeys.rate(tenantId, userId), {
    ttlMs: FATIGUE.requestWindowMs,
  });
  if (n > FATIGUE.maxRequests)
    throw new SekishoError('ERR_LOCK_RATE_LIMITED', 'too many approval requests', {
      params: { minutes: 10 },
    });
}

/** Counts a denial; the third within the window starts the automatic refusal. */
export async function recordDenial(
  deps: LockDeps,
  tenantId: string,
  userId: string,
): Promise<void> {
  const { kv, audit, users, tenants } = deps.platform;
  const n = await kv.increment(kvKeys.denials(tenantId, userId), {
    ttlMs: FATIGUE.denialWindowMs,
  });
  if (n < FATIGUE.maxDenials) return;
  const started = await kv.setIfAbsent(kvKeys.refused(tenantId, userId), String(n), {
    ttlMs: FATIGUE.refusalMs,
  });
  if (!started) return;
  await kv.delete(kvKeys.denials(tenantId, userId));
  const [user, tenant] = await Promise.all([users.get(tenantId, userId), tenants.get(tenantId)]);
  await audit.record({
    tenantId,
    actor: { type: 'system' },
    action: 'lock.auto-refusal',
    target: { type: 'user', id: userId },
    result: 'deny',
    reason: 'repeated-denials',
    details: { denials: n, minutes: FATIGUE.refusalMs / 60_000 },
  });
  const params = {
    loginId: user?.loginId ?? userId,
    tenant: tenant?.name ?? '',
    count: n,
    minutes: FATIGUE.refusalMs / 60_000,
  };
  await alertAdmins(
    deps,
    tenantId,
    (l) => ({
      subject: lockMail.t(l, 'refused.subject'),
      text: lockMail.t(l, 'refused.body', params),
    }),
    'lock-auto-refusal',
  );
}
