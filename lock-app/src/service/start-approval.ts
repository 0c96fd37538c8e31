/**
 * Starts a Lock approval (docs/lock.md, "Flow of a login with Lock", step 3): checks the
 * fatigue limits, stores the pending approval in the shared store with the tenant's TTL,
 * indexes it under the user for the app's pull, and sends the push.
 *
 * The number is two random digits from a CSPRNG; it exists only in the shared store and on
 * the login page.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { SekishoError } from '@sekisho/platform';
import { kvKeys, type LockDeps } from './deps.ts';
import { GRACE_MS, type ApprovalRecord } from './approval-record.ts';
import { deviceOfUser } from './devices.ts';
import { admitApprovalRequest } from './fatigue.ts';
import { sendApprovalPush } from './push.ts';
import { getSettings } from './settings.ts';
import type { StartApprovalInput, StartedApproval } from './types.ts';

export const DEFAULT_APPLICATION = 'Sekisho portal';

export async function startApproval(
  deps: LockDeps,
  input: StartApprovalInput,
): Promise<StartedApproval> {
  const { tenantId, userId } = input;
  const { kv, clock, tenants } = deps.platform;
  const device = await deviceOfUser(deps, tenantId, userId);
  if (!device) throw new SekishoError('ERR_LOCK_NOT_ENROLLED', 'the user has no Lock device');
  await admitApprovalRequest(deps, tenantId, userId);
  const [settings, tenant] = await Promise.all([
    getSettings(deps, tenantId),
    tenants.get(tenantId),
  ]);
  if (!tenant) throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');

  const id = randomUUID();
  const now = clock.now().getTime();
  const rec: ApprovalRecord = {
    t: tenantId,
    u: userId,
    d: device.id,
    n: String(randomInt(0, 100)).padStart(2, '0'),
    s: 'pending',
    c: now,
    e: now + settings.approvalTtlSeconds * 1000,
    a: (input.application ?? DEFAULT_APPLICATION).slice(0, 200),
    ip: input.ip,
  };
  await kv.set(kvKeys.approval(id), JSON.stringify(rec), { ttlMs: rec.e - now + GRACE_MS });
  await indexForUser(deps, tenantId, userId, id, rec.e - now + GRACE_MS);
  await sendApprovalPush(
    deps,
    device,
    {
      type: 'approval',
      approvalId: id,
      application: rec.a,
      ip: rec.ip,
      at: new Date(rec.c).toISOString(),
      expiresAt: new Date(rec.e).toISOString(),
      tenant: tenant.slug,
    },
    settings.approvalTtlSeconds,
  );
  return { id, number: rec.n, expiresAt: new Date(rec.e) };
}

/**
 * Adds the id to the user's list of recent approvals (for the app's pull). The list is short
 * (the rate limit bounds it); compare-and-set retries keep concurrent starts from losing one.
 */
async function indexForUser(
  deps: LockDeps,
  tenantId: string,
  userId: string,
  id: string,
  ttlMs: number,
): Promise<void> {
  const { kv } = deps.platform;
  const key = kvKeys.userApprovals(tenantId, userId);
  for (let attempt = 0; attempt < 10; attempt++) {
    const raw = await kv.get(key);
    const ids = raw ? (JSON.parse(raw) as string[]) : [];
    const next = JSON.stringify([...ids.slice(-9), id]);
    if (await kv.compareAndSet(key, raw, next, { ttlMs })) return;
  }
  throw new SekishoError('ERR_STORE_UNAVAILABLE', 'could not index the approval');
}
