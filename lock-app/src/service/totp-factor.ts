/**
 * TOTP as a factor (docs/lock.md, "One-time passwords"), set up from the portal.
 *
 * - `beginTotpSetup` stores a new secret as pending; a confirmed secret stays active until
 *   the new one is confirmed with a valid code, so a half-done setup locks nobody out.
 * - `verifyTotp` accepts the current step and one either side, and never a step at or
 *   before the last one accepted: the check-and-update is one conditional UPDATE, so two
 *   nodes racing with the same code cannot both accept it.
 * - Secrets are sealed with the master key, the context naming tenant and user.
 */
import QRCode from 'qrcode';
import { SekishoError } from '@sekisho/platform';
import { totpKeyContext, type LockDeps } from './deps.ts';
import { assertOtpAllowed, recordOtpResult } from './otp-guard.ts';
import { matchTotpStep, newTotpSecret, otpauthUri, secretBytes } from './totp.ts';

function open(deps: LockDeps, sealed: string, tenantId: string, userId: string): Uint8Array {
  return secretBytes(
    deps.platform.secretBox.open(sealed, totpKeyContext(tenantId, userId)).toString(),
  );
}

export async function beginTotpSetup(deps: LockDeps, tenantId: string, userId: string) {
  const [tenant, user] = await Promise.all([
    deps.platform.tenants.get(tenantId),
    deps.platform.users.get(tenantId, userId),
  ]);
  if (!tenant || !user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
  const secret = newTotpSecret();
  const sealed = deps.platform.secretBox.seal(secret, totpKeyContext(tenantId, userId));
  await deps.db
    .insertInto('lock_totp')
    .values({
      tenant_id: tenantId,
      user_id: userId,
      secret_sealed: null,
      pending_secret_sealed: sealed,
      last_step: null,
      confirmed_at: null,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'user_id']).doUpdateSet({ pending_secret_sealed: sealed }),
    )
    .execute();
  const otpauthUrl = otpauthUri(secret, `Sekisho ${tenant.name}`, user.loginId);
  const qrSvg = await QRCode.toString(otpauthUrl, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
  });
  return { secret, otpauthUrl, qrSvg };
}

export async function confirmTotpSetup(
  deps: LockDeps,
  tenantId: string,
  userId: string,
  code: string,
): Promise<boolean> {
  await assertOtpAllowed(deps, tenantId, userId);
  const row = await deps.db
    .selectFrom('lock_totp')
    .select('pending_secret_sealed')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row?.pending_secret_sealed) return false;
  const pending = row.pending_secret_sealed;
  const now = deps.platform.clock.now();
  const step = matchTotpStep(open(deps, pending, tenantId, userId), code, now.getTime());
  if (step === undefined) return recordOtpResult(deps, tenantId, userId, false);
  const r = await deps.db
    .updateTable('lock_totp')
    .set({
      secret_sealed: pending,
      pending_secret_sealed: null,
      confirmed: true,
      last_step: step,
      confirmed_at: now,
    })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('pending_secret_sealed', '=', pending)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function verifyTotp(
  deps: LockDeps,
  tenantId: string,
  userId: string,
  code: string,
): Promise<boolean> {
  await assertOtpAllowed(deps, tenantId, userId);
  const row = await deps.db
    .selectFrom('lock_totp')
    .select('secret_sealed')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('confirmed', '=', true)
    .executeTakeFirst();
  if (!row?.secret_sealed) return false;
  const now = deps.platform.clock.now().getTime();
  const step = matchTotpStep(open(deps, row.secret_sealed, tenantId, userId), code, now);
  if (step === undefined) return recordOtpResult(deps, tenantId, userId, false);
  const r = await deps.db
    .updateTable('lock_totp')
    .set({ last_step: step })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('secret_sealed', '=', row.secret_sealed)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', String(step))]))
    .executeTakeFirst();
  return recordOtpResult(deps, tenantId, userId, r.numUpdatedRows > 0n);
}

export async function hasTotp(deps: LockDeps, tenantId: string, userId: string) {
  const row = await deps.db
    .selectFrom('lock_totp')
    .select('confirmed')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.confirmed === true;
}

export async function resetTotp(deps: LockDeps, tenantId: string, userId: string) {
  const r = await deps.db
    .deleteFrom('lock_totp')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}
