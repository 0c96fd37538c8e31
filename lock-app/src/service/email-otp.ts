/**
 * Email one-time codes, a factor the tenant admin may allow (`emailOtpAllowed`).
 *
 * - 6 random digits, valid 10 minutes, in the shared store as an HMAC only; a new code
 *   replaces the previous one. At most 5 mails per user per 10 minutes.
 * - At most 5 attempts per code: the 5th wrong one deletes it. A right code is taken with a
 *   compare-and-set, so it is accepted once even with two nodes racing.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { SekishoError, deriveKey, type Locale } from '@sekisho/platform';
import { kvKeys, type LockDeps } from './deps.ts';
import { assertOtpAllowed, recordOtpResult } from './otp-guard.ts';
import { getSettings } from './settings.ts';
import { lockMail } from '../messages.ts';

export const EMAIL_OTP = Object.freeze({ ttlMs: 10 * 60_000, maxAttempts: 5, maxSends: 5 });

interface Stored {
  h: string;
  /** wrong attempts so far */
  n: number;
  e: number;
}

function hmac(deps: LockDeps, tenantId: string, userId: string, code: string): string {
  const key = deriveKey(deps.platform.masterKey, 'lock-email-otp');
  return createHmac('sha256', key).update(`${tenantId}\n${userId}\n${code}`).digest('hex');
}

async function allowedUser(deps: LockDeps, tenantId: string, userId: string) {
  const settings = await getSettings(deps, tenantId);
  if (!settings.emailOtpAllowed)
    throw new SekishoError('ERR_LOCK_FACTOR_NOT_ALLOWED', 'email one-time codes are not allowed');
  const user = await deps.platform.users.get(tenantId, userId);
  if (!user?.email)
    throw new SekishoError('ERR_LOCK_FACTOR_NOT_ALLOWED', 'the user has no email address');
  return user;
}

export async function sendEmailOtp(
  deps: LockDeps,
  tenantId: string,
  userId: string,
  locale: Locale,
): Promise<void> {
  const user = await allowedUser(deps, tenantId, userId);
  const { kv, clock, mailer, tenants } = deps.platform;
  const sends = await kv.increment(kvKeys.emailOtpSends(tenantId, userId), {
    ttlMs: EMAIL_OTP.ttlMs,
  });
  if (sends > EMAIL_OTP.maxSends)
    throw new SekishoError('ERR_LOCK_RATE_LIMITED', 'too many email codes', {
      params: { minutes: 10 },
    });
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const stored: Stored = {
    h: hmac(deps, tenantId, userId, code),
    n: 0,
    e: clock.now().getTime() + EMAIL_OTP.ttlMs,
  };
  await kv.set(kvKeys.emailOtp(tenantId, userId), JSON.stringify(stored), {
    ttlMs: EMAIL_OTP.ttlMs,
  });
  const tenant = await tenants.get(tenantId);
  const params = {
    name: user.displayName,
    tenant: tenant?.name ?? '',
    code,
    minutes: EMAIL_OTP.ttlMs / 60_000,
  };
  await mailer.send({
    to: user.email,
    subject: lockMail.t(locale, 'otp.subject'),
    text: lockMail.t(locale, 'otp.body', params),
    kind: 'email-otp',
  });
}

export async function verifyEmailOtp(
  deps: LockDeps,
  tenantId: string,
  userId: string,
  code: string,
): Promise<boolean> {
  await allowedUser(deps, tenantId, userId);
  await assertOtpAllowed(deps, tenantId, userId);
  const { kv, clock } = deps.platform;
  const key = kvKeys.emailOtp(tenantId, userId);
  const raw = await kv.get(key);
  if (raw === undefined) return recordOtpResult(deps, tenantId, userId, false);
  const stored = JSON.parse(raw) as Stored;
  if (stored.e <= clock.now().getTime()) {
    await kv.compareAndSet(key, raw, undefined);
    return recordOtpResult(deps, tenantId, userId, false);
  }
  const given = Buffer.from(hmac(deps, tenantId, userId, code.replace(/\s/g, '')));
  if (timingSafeEqual(given, Buffer.from(stored.h)))
    return recordOtpResult(deps, tenantId, userId, await kv.compareAndSet(key, raw, undefined));
  const n = stored.n + 1;
  const ttlMs = stored.e - clock.now().getTime();
  const next =
    n >= EMAIL_OTP.maxAttempts || ttlMs <= 0 ? undefined : JSON.stringify({ ...stored, n });
  await kv.compareAndSet(key, raw, next, { ttlMs });
  return recordOtpResult(deps, tenantId, userId, false);
}
