/**
 * Lock devices: one per user. A device is its public key (the app's non-extractable
 * WebCrypto key) and, optionally, a push subscription; without one, the app pulls.
 */
import type { LockDeps } from './deps.ts';
import type { LockDeviceInfo } from './types.ts';
import type { PushSubscriptionJson } from './push-subscription.ts';

export interface DeviceRecord {
  id: string;
  tenantId: string;
  userId: string;
  name: string;
  publicKeyJwk: string;
  subscription: PushSubscriptionJson | null;
  /** The stored JSON of `subscription`, to clear exactly this one later. */
  subscriptionJson: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

type Row = {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  public_key_jwk: string;
  push_subscription: string | null;
  created_at: Date;
  last_used_at: Date | null;
};

function toRecord(r: Row): DeviceRecord {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    name: r.name,
    publicKeyJwk: r.public_key_jwk,
    subscription: r.push_subscription
      ? (JSON.parse(r.push_subscription) as PushSubscriptionJson)
      : null,
    subscriptionJson: r.push_subscription,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  };
}

export async function deviceOfUser(
  deps: LockDeps,
  tenantId: string,
  userId: string,
): Promise<DeviceRecord | undefined> {
  const row = await deps.db
    .selectFrom('lock_devices')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function deviceById(
  deps: LockDeps,
  tenantId: string,
  deviceId: string,
): Promise<DeviceRecord | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(deviceId)) return undefined;
  const row = await deps.db
    .selectFrom('lock_devices')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', deviceId)
    .executeTakeFirst();
  return row && toRecord(row);
}

export function deviceInfo(d: DeviceRecord): LockDeviceInfo {
  return { name: d.name, enrolledAt: d.createdAt, lastUsedAt: d.lastUsedAt };
}

export async function removeDevice(
  deps: LockDeps,
  tenantId: string,
  userId: string,
): Promise<boolean> {
  const r = await deps.db
    .deleteFrom('lock_devices')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** After the push service answered 404/410: the device stays (pull still works). */
export async function dropSubscription(deps: LockDeps, deviceId: string, stored: string) {
  // Only the subscription that failed: a new one registered meanwhile stays.
  await deps.db
    .updateTable('lock_devices')
    .set({ push_subscription: null })
    .where('id', '=', deviceId)
    .where('push_subscription', '=', stored)
    .execute();
}

export async function touchDevice(deps: LockDeps, deviceId: string): Promise<void> {
  await deps.db
    .updateTable('lock_devices')
    .set({ last_used_at: deps.platform.clock.now() })
    .where('id', '=', deviceId)
    .execute();
}
