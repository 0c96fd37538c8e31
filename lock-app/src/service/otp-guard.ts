/**
 * Bounds guessing of one-time codes: after 10 wrong codes (TOTP, emergency or email, counted
 * together) within 15 minutes, every code of the user is refused with ERR_LOCK_RATE_LIMITED
 * until the window ends. The counter is in the shared store, so it holds across nodes.
 */
import { SekishoError } from '@sekisho/platform';
import { kvKeys, type LockDeps } from './deps.ts';

export const OTP_GUARD = Object.freeze({ maxFailures: 10, windowMs: 15 * 60_000 });

export async function assertOtpAllowed(deps: LockDeps, tenantId: string, userId: string) {
  const n = Number((await deps.platform.kv.get(kvKeys.otpFailures(tenantId, userId))) ?? 0);
  if (n >= OTP_GUARD.maxFailures)
    throw new SekishoError('ERR_LOCK_RATE_LIMITED', 'too many wrong one-time codes', {
      params: { minutes: 15 },
    });
}

export async function recordOtpResult(
  deps: LockDeps,
  tenantId: string,
  userId: string,
  ok: boolean,
): Promise<boolean> {
  if (!ok)
    await deps.platform.kv.increment(kvKeys.otpFailures(tenantId, userId), {
      ttlMs: OTP_GUARD.windowMs,
    });
  return ok;
}
