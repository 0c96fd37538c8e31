/**
 * Checking a typed one-time code (TOTP, emailed, emergency, TOTP setup confirmation) under
 * the platform's login throttling, so six digits cannot be guessed at leisure:
 * - a throttled IP or a locked account is refused before the code is looked at;
 * - a wrong code counts as a failed login of this user from this IP (and may lock the
 *   account, audited once as `login.locked`), and is audited as `login.second-factor`;
 * - malformed input is a wrong code without calling the port.
 */
import { SekishoError } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import { recordFactorResult, type FactorUse } from './complete-factor.ts';
import type { PendingSignIn } from './pending-sign-in.ts';

export type CodeResult = { ok: true } | { ok: false; error?: SekishoError; locked?: boolean };

/** Digits and letters, spaces and dashes ignored (people copy codes with them). */
export function normalizeCode(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const code = value.replace(/[\s-]/g, '');
  return /^[0-9A-Za-z]{4,32}$/.test(code) ? code : undefined;
}

export async function verifyCode(
  services: IdpServices,
  ctx: PageContext,
  pending: PendingSignIn,
  use: FactorUse,
  input: unknown,
  check: (code: string) => Promise<boolean>,
): Promise<CodeResult> {
  const { throttle, audit } = services.platform;
  const ipWait = await throttle.ipBlockedFor(ctx.origin.ip);
  if (ipWait > 0)
    return {
      ok: false,
      error: new SekishoError('ERR_LOGIN_THROTTLED', 'too many failures from this address', {
        params: { seconds: Math.ceil(ipWait / 1000) },
      }),
    };
  const lockWait = await throttle.accountLockedFor(ctx.tenant.id, pending.userId);
  if (lockWait > 0)
    return {
      ok: false,
      locked: true,
      error: new SekishoError('ERR_LOGIN_LOCKED', 'account is locked', {
        params: { minutes: Math.ceil(lockWait / 60_000) },
      }),
    };
  const code = normalizeCode(input);
  if (code && (await check(code))) return { ok: true };
  await recordFactorResult(
    services,
    ctx,
    pending,
    use,
    'failure',
    code ? 'wrong-code' : 'malformed',
  );
  const { locked } = await throttle.recordFailure(ctx.tenant.id, pending.userId, ctx.origin.ip);
  if (!locked) return { ok: false };
  await audit.record({
    tenantId: ctx.tenant.id,
    actor: { type: 'system' },
    action: 'login.locked',
    target: { type: 'user', id: pending.userId },
    result: 'success',
    reason: 'too-many-failures',
    origin: ctx.origin,
  });
  const minutes = Math.ceil(
    (await throttle.accountLockedFor(ctx.tenant.id, pending.userId)) / 60_000,
  );
  return {
    ok: false,
    locked: true,
    error: new SekishoError('ERR_LOGIN_LOCKED', 'account locked after repeated failures', {
      params: { minutes: Math.max(minutes, 1) },
    }),
  };
}
