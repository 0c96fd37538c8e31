/**
 * Emergency codes (docs/lock.md, "One-time passwords"): an admin issues them for a user who
 * lost the phone. Each is 10 random digits (shown as `12345-67890`), single use, and expires
 * (24 h by default). Issuing replaces the user's unused codes.
 *
 * Only an HMAC-SHA256 under a key derived from the master key is stored: the codes are random
 * (33 bits, and guessing is bounded by the OTP guard), so no slow hash is needed, and a
 * database leak alone does not reveal them. Using one is a single conditional UPDATE, so a
 * code is accepted once even with two nodes racing.
 */
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { SekishoError, ValidationError, deriveKey } from '@sekisho/platform';
import type { LockDeps } from './deps.ts';
import { assertOtpAllowed, recordOtpResult } from './otp-guard.ts';
import { getSettings } from './settings.ts';

function codeHash(deps: LockDeps, tenantId: string, userId: string, digits: string): string {
  const key = deriveKey(deps.platform.masterKey, 'lock-emergency-code');
  return createHmac('sha256', key).update(`${tenantId}\n${userId}\n${digits}`).digest('hex');
}

function newCode(): string {
  const digits = Array.from({ length: 10 }, () => String(randomInt(0, 10))).join('');
  return `${digits.slice(0, 5)}-${digits.slice(5)}`;
}

export async function issueEmergencyCodes(
  deps: LockDeps,
  tenantId: string,
  userId: string,
  options: { count?: number | undefined } = {},
): Promise<{ codes: string[]; expiresAt: Date }> {
  const count = options.count ?? 5;
  if (!Number.isInteger(count) || count < 1 || count > 10)
    throw new ValidationError([{ field: 'count', message: 'must be an integer from 1 to 10' }]);
  const user = await deps.platform.users.get(tenantId, userId);
  if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
  const settings = await getSettings(deps, tenantId);
  const now = deps.platform.clock.now();
  const expiresAt = new Date(now.getTime() + settings.emergencyCodeHours * 3_600_000);
  const codes = Array.from({ length: count }, newCode);
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('lock_emergency_codes')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
    await trx
      .insertInto('lock_emergency_codes')
      .values(
        codes.map((c) => ({
          id: randomUUID(),
          tenant_id: tenantId,
          user_id: userId,
          code_hash: codeHash(deps, tenantId, userId, c.replace('-', '')),
          expires_at: expiresAt,
          used_at: null,
          created_at: now,
        })),
      )
      .execute();
  });
  return { codes, expiresAt };
}

export async function verifyEmergencyCode(
  deps: LockDeps,
  tenantId: string,
  userId: string,
  code: string,
): Promise<boolean> {
  await assertOtpAllowed(deps, tenantId, userId);
  const digits = code.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return recordOtpResult(deps, tenantId, userId, false);
  const now = deps.platform.clock.now();
  const r = await deps.db
    .updateTable('lock_emergency_codes')
    .set({ used_at: now })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash(deps, tenantId, userId, digits))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  const ok = r.numUpdatedRows > 0n;
  if (ok)
    await deps.platform.audit.record({
      tenantId,
      actor: { type: 'user', id: userId },
      action: 'lock.emergency-code.use',
      target: { type: 'user', id: userId },
      result: 'success',
    });
  return recordOtpResult(deps, tenantId, userId, ok);
}
