/**
 * Password login and the password lifecycle.
 *
 * - Login: IP throttle first (no hashing for a throttled IP), then the account lock, then
 *   Argon2id verification; unknown accounts cost the same as known ones. Every outcome is
 *   audited with a reason; a lock is audited once, when it starts.
 * - Self-service change needs the current password; admin-forced reset makes the user set a
 *   new one at next login, signs out every session and tells the user by mail.
 * - Reset by mail: a link with a random token (only its hash stored), valid for a limited
 *   time and consumed by one atomic UPDATE, so it works exactly once.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../clock.ts';
import { SekishoError } from '../errors.ts';
import type { AuditActor, AuditLog, AuditOrigin } from '../audit/audit-log.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Tenant } from '../tenancy/tenant-service.ts';
import {
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from '../crypto/password-hash.ts';
import { createResetTokens } from './reset-tokens.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SessionRevocation } from './session-revocation.ts';
import type { User, UserService } from './user-service.ts';
import { checkPasswordRules } from './password-policy.ts';
import { passwordMail } from './mail-texts.ts';

export interface PasswordServiceDeps {
  db: Kysely<Database>;
  users: UserService;
  throttle: LoginThrottle;
  revocation: SessionRevocation;
  audit: AuditLog;
  mailer: Mailer;
  clock: Clock;
  publicUrl: string;
  minLength: number;
  resetTtlMs: number;
}

export interface LoginAttempt {
  tenant: Tenant;
  loginId: string;
  password: string;
  origin: AuditOrigin & { ip: string };
}

export interface PasswordService {
  login(attempt: LoginAttempt): Promise<User>;
  change(
    tenant: Tenant,
    userId: string,
    current: string,
    next: string,
    origin: AuditOrigin,
  ): Promise<void>;
  /** Sets a password for a user that must change it (forced change at login). */
  completeForcedChange(
    tenant: Tenant,
    userId: string,
    next: string,
    origin: AuditOrigin,
  ): Promise<void>;
  forceReset(tenant: Tenant, userId: string, actor: AuditActor, origin: AuditOrigin): Promise<void>;
  requestReset(tenant: Tenant, loginId: string, origin: AuditOrigin): Promise<void>;
  completeReset(tenant: Tenant, token: string, next: string, origin: AuditOrigin): Promise<User>;
  /** Whether a reset token is live (for showing the form); does not consume it. */
  isResetTokenLive(tenant: Tenant, token: string): Promise<boolean>;
}

export function createPasswordService(d: PasswordServiceDeps): PasswordService {
  const fail = async (
    tenant: Tenant,
    a: LoginAttempt,
    userId: string | undefined,
    reason: string,
  ) => {
    const { locked } = await d.throttle.recordFailure(tenant.id, userId, a.origin.ip);
    const target = userId ? { type: 'user', id: userId } : undefined;
    const actor = { type: 'anonymous' as const, name: a.loginId.slice(0, 254) };
    await d.audit.record({
      tenantId: tenant.id,
      actor,
      action: 'login.password',
      target,
      result: 'failure',
      reason,
      origin: a.origin,
    });
    if (locked) {
      await d.audit.record({
        tenantId: tenant.id,
        actor: { type: 'system' },
        action: 'login.locked',
        target,
        result: 'success',
        reason: 'too-many-failures',
        origin: a.origin,
      });
      throw new SekishoError('ERR_LOGIN_LOCKED', 'account locked after repeated failures');
    }
    throw new SekishoError('ERR_LOGIN_FAILED', 'wrong login ID or password', { detail: reason });
  };
  const newHash = async (tenant: Tenant, user: User, password: string) => {
    checkPasswordRules(password, user.loginId, d.minLength);
    return hashPassword(password);
  };
  const mail = async (
    user: User,
    tenant: Tenant,
    kind: 'reset' | 'forced' | 'changed',
    params: Record<string, string | number>,
  ) => {
    const locale = user.locale ?? tenant.defaultLocale;
    const all = { name: user.displayName, loginId: user.loginId, tenant: tenant.name, ...params };
    await d.mailer.send({
      to: user.email,
      subject: passwordMail.t(locale, `${kind}.subject`),
      text: passwordMail.t(locale, `${kind}.body`, all),
      kind: `password.${kind}`,
    });
  };
  const unchanged = () =>
    new SekishoError('ERR_PASSWORD_WEAK', 'new password equals the current one', {
      params: { rule: 'unchanged', minLength: d.minLength },
    });
  const resets = createResetTokens(d.db, d.clock, d.resetTtlMs);
  const self = (user: User): AuditActor => ({ type: 'user', id: user.id, name: user.loginId });

  return {
    async login(a) {
      const { tenant } = a;
      const anon = { type: 'anonymous' as const, name: a.loginId.slice(0, 254) };
      const waitMs = await d.throttle.ipBlockedFor(a.origin.ip);
      if (waitMs > 0) {
        await d.audit.record({
          tenantId: tenant.id,
          actor: anon,
          action: 'login.password',
          result: 'failure',
          reason: 'ip-throttled',
          origin: a.origin,
        });
        throw new SekishoError('ERR_LOGIN_THROTTLED', 'too many failed logins from this address', {
          params: { seconds: Math.ceil(waitMs / 1000) },
        });
      }
      const user = await d.users.getByLoginId(tenant.id, a.loginId);
      const hash = user && (await d.users.getPasswordHash(tenant.id, user.id));
      if (!user || !hash) {
        await verifyAgainstDummy(a.password);
        return fail(tenant, a, user?.id, user ? 'no-password-set' : 'unknown-user');
      }
      const lockedMs = await d.throttle.accountLockedFor(tenant.id, user.id);
      if (lockedMs > 0) {
        await d.audit.record({
          tenantId: tenant.id,
          actor: anon,
          action: 'login.password',
          target: { type: 'user', id: user.id },
          result: 'failure',
          reason: 'account-locked',
          origin: a.origin,
        });
        throw new SekishoError('ERR_LOGIN_LOCKED', 'account is locked', {
          params: { minutes: Math.ceil(lockedMs / 60000) },
        });
      }
      if (!(await verifyPassword(hash, a.password)))
        return fail(tenant, a, user.id, 'wrong-password');
      await d.throttle.recordSuccess(tenant.id, user.id);
      if (user.status !== 'active') {
        await d.audit.record({
          tenantId: tenant.id,
          actor: self(user),
          action: 'login.password',
          target: { type: 'user', id: user.id },
          result: 'failure',
          reason: `user-${user.status}`,
          origin: a.origin,
        });
        throw new SekishoError(
          user.status === 'locked' ? 'ERR_LOGIN_LOCKED' : 'ERR_LOGIN_SUSPENDED',
          `user is ${user.status}`,
        );
      }
      if (needsRehash(hash))
        await d.users.setPassword(
          tenant.id,
          user.id,
          await hashPassword(a.password),
          user.mustChangePassword,
        );
      await d.audit.record({
        tenantId: tenant.id,
        actor: self(user),
        action: 'login.password',
        target: { type: 'user', id: user.id },
        result: 'success',
        origin: a.origin,
        details: { mustChangePassword: user.mustChangePassword },
      });
      return user;
    },

    async change(tenant, userId, current, next, origin) {
      const user = await d.users.get(tenant.id, userId);
      const hash = user && (await d.users.getPasswordHash(tenant.id, userId));
      if (!user || !hash || !(await verifyPassword(hash, current))) {
        await d.audit.record({
          tenantId: tenant.id,
          actor: { type: 'user', id: userId },
          action: 'password.change',
          result: 'failure',
          reason: 'wrong-current-password',
          origin,
        });
        throw new SekishoError('ERR_LOGIN_FAILED', 'current password is wrong');
      }
      if (current === next) throw unchanged();
      await d.users.setPassword(tenant.id, userId, await newHash(tenant, user, next), false);
      await d.audit.record({
        tenantId: tenant.id,
        actor: self(user),
        action: 'password.change',
        target: { type: 'user', id: userId },
        result: 'success',
        origin,
      });
      await mail(user, tenant, 'changed', { time: d.clock.now().toISOString() });
    },

    async completeForcedChange(tenant, userId, next, origin) {
      const user = await d.users.get(tenant.id, userId);
      if (!user?.mustChangePassword)
        throw new SekishoError('ERR_FORBIDDEN', 'no forced change pending');
      const hash = await d.users.getPasswordHash(tenant.id, userId);
      if (hash && (await verifyPassword(hash, next))) throw unchanged();
      await d.users.setPassword(tenant.id, userId, await newHash(tenant, user, next), false);
      await d.audit.record({
        tenantId: tenant.id,
        actor: self(user),
        action: 'password.forced-change',
        target: { type: 'user', id: userId },
        result: 'success',
        origin,
      });
    },

    async forceReset(tenant, userId, actor, origin) {
      const user = await d.users.requirePasswordChange(tenant.id, userId);
      await d.revocation.revokeUser(tenant.id, userId, d.clock.now());
      await d.audit.record({
        tenantId: tenant.id,
        actor,
        action: 'user.force-reset',
        target: { type: 'user', id: userId },
        result: 'success',
        origin,
      });
      await mail(user, tenant, 'forced', { loginUrl: `${d.publicUrl}/t/${tenant.slug}/login` });
    },

    async requestReset(tenant, loginId, origin) {
      const user = await d.users.getByLoginId(tenant.id, loginId);
      const actor = { type: 'anonymous' as const, name: loginId.slice(0, 254) };
      if (!user || user.status !== 'active') {
        // Same answer either way: the page never reveals whether an account exists.
        await d.audit.record({
          tenantId: tenant.id,
          actor,
          action: 'password.reset-request',
          result: 'failure',
          reason: user ? `user-${user.status}` : 'unknown-user',
          origin,
        });
        return;
      }
      const token = await resets.create(tenant.id, user.id);
      await d.audit.record({
        tenantId: tenant.id,
        actor,
        action: 'password.reset-request',
        target: { type: 'user', id: user.id },
        result: 'success',
        origin,
      });
      const link = `${d.publicUrl}/t/${tenant.slug}/password/reset?token=${encodeURIComponent(token)}`;
      await mail(user, tenant, 'reset', { link, minutes: Math.round(d.resetTtlMs / 60000) });
    },

    async isResetTokenLive(tenant, token) {
      return (await resets.userOf(tenant.id, token)) !== undefined;
    },

    async completeReset(tenant, token, next, origin) {
      const userId = await resets.userOf(tenant.id, token);
      const user = userId && (await d.users.get(tenant.id, userId));
      if (!user)
        throw new SekishoError('ERR_RESET_TOKEN_INVALID', 'reset link is invalid, used or expired');
      const hash = await newHash(tenant, user, next); // rules checked before the token is spent
      const used = await resets.consume(tenant.id, token);
      if (!used)
        throw new SekishoError('ERR_RESET_TOKEN_INVALID', 'reset link is invalid, used or expired');
      await d.users.setPassword(tenant.id, user.id, hash, false);
      await d.throttle.unlock(tenant.id, user.id);
      await d.revocation.revokeUser(tenant.id, user.id, d.clock.now());
      await d.audit.record({
        tenantId: tenant.id,
        actor: self(user),
        action: 'password.reset',
        target: { type: 'user', id: user.id },
        result: 'success',
        origin,
      });
      return user;
    },
  };
}
