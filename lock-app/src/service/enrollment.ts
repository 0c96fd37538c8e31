/**
 * Enrollment of the Lock app (docs/lock.md, "Enrollment").
 *
 * - The portal creates a random token, single use, valid 10 minutes, kept only as a hash in
 *   the shared store; the link puts it in the URL fragment so it never reaches server logs.
 * - `enroll` checks the token, the device's public key and push subscription, then takes the
 *   token (atomic: two racing requests cannot both enroll). A user has one device: while one
 *   exists, enrolling answers ERR_LOCK_DEVICE_EXISTS and keeps the token, so the app can ask
 *   the user and send again with `replace: true`.
 */
import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { SekishoError, ValidationError, hashOpaqueToken, newOpaqueToken } from '@sekisho/platform';
import { kvKeys, type LockDeps } from './deps.ts';
import { deviceOfUser } from './devices.ts';
import { checkPushSubscription } from './push-subscription.ts';
import { parsePublicJwk } from './signature.ts';
import type { LockTenant } from './types.ts';

export const ENROLLMENT_TTL_MS = 10 * 60_000;

export interface EnrollInput {
  token: string;
  deviceName: string;
  publicKey: unknown;
  subscription: unknown;
  replace?: boolean | undefined;
}

export async function createEnrollment(deps: LockDeps, tenantId: string, userId: string) {
  const tenant = await deps.platform.tenants.get(tenantId);
  const user = await deps.platform.users.get(tenantId, userId);
  if (!tenant || !user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
  const { token, hash } = newOpaqueToken('lke');
  const expiresAt = new Date(deps.platform.clock.now().getTime() + ENROLLMENT_TTL_MS);
  const value = JSON.stringify({ t: tenantId, u: userId, x: expiresAt.getTime() });
  await deps.platform.kv.set(kvKeys.enrollment(hash), value, { ttlMs: ENROLLMENT_TTL_MS });
  const url = `${deps.publicUrl}/t/${tenant.slug}/lock/#enroll=${token}`;
  const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { url, qrSvg, expiresAt };
}

function checkName(name: unknown): string {
  const n = typeof name === 'string' ? name.trim() : '';
  if (n.length < 1 || n.length > 100 || /\p{Cc}/u.test(n))
    throw new ValidationError([
      { field: 'deviceName', message: 'must be 1 to 100 characters without control characters' },
    ]);
  return n;
}

export async function enroll(
  deps: LockDeps,
  tenant: LockTenant,
  input: EnrollInput,
): Promise<{ deviceId: string; loginId: string }> {
  const { kv, users, clock } = deps.platform;
  const invalid = () => new SekishoError('ERR_LOCK_ENROLLMENT_INVALID', 'enrollment token unknown');
  const key = kvKeys.enrollment(hashOpaqueToken(String(input.token)));
  const raw = await kv.get(key);
  if (!raw) throw invalid();
  const { t, u, x } = JSON.parse(raw) as { t: string; u: string; x: number };
  // The store's TTL ends the token too; the clock check keeps the rule exact on any backend.
  if (t !== tenant.id || x <= clock.now().getTime()) throw invalid();
  const user = await users.get(t, u);
  if (!user || user.status !== 'active') throw invalid();
  const name = checkName(input.deviceName);
  const { jwk } = parsePublicJwk(input.publicKey);
  const subscription =
    input.subscription === null || input.subscription === undefined
      ? null
      : await checkPushSubscription(deps, input.subscription);
  const existing = await deviceOfUser(deps, t, u);
  if (existing && input.replace !== true)
    throw new SekishoError('ERR_LOCK_DEVICE_EXISTS', 'a device is enrolled; send replace: true', {
      params: { name: existing.name },
    });
  if ((await kv.take(key)) === undefined) throw invalid(); // used by a racing request
  const values = {
    id: randomUUID(),
    name,
    public_key_jwk: JSON.stringify(jwk),
    push_subscription: subscription && JSON.stringify(subscription),
    created_at: clock.now(),
    last_used_at: null,
  };
  await deps.db
    .insertInto('lock_devices')
    .values({ tenant_id: t, user_id: u, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(values))
    .execute();
  await deps.platform.audit.record({
    tenantId: t,
    actor: { type: 'user', id: u, name: user.loginId },
    action: 'lock.device.enroll',
    target: { type: 'lock-device', id: values.id },
    result: 'success',
    details: { name, replaced: existing?.id ?? null, push: subscription !== null },
  });
  return { deviceId: values.id, loginId: user.loginId };
}
