/**
 * The browser session, kept in an encrypted cookie (@fastify/secure-session): a CSRF token
 * for every form, the chosen language, and once signed in, who the user is. A signed-in
 * session is honoured only while it is within its idle and absolute lifetimes, has not been
 * revoked server-side (checked in the shared store on every request, so an admin's
 * revocation holds on every node), and its user is still active.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Locale, Platform, Tenant, User } from '@sekisho/platform';
import type {} from '@fastify/secure-session';
import type { DeviceCertLoginType } from '../login/access-policy.ts';

export interface SessionAuth {
  sid: string;
  tenantId: string;
  userId: string;
  issuedAt: number;
  lastSeen: number;
  mustChangePassword: boolean;
  /** Authentication methods used (RFC 8176 values: pwd, otp, mfa, hwk...). */
  amr: string[];
  /**
   * The login type of the verified device certificate of this user the sign-in used (#5), so
   * per-application policies with `cert` terms see it on every later SSO request.
   */
  deviceCert?: { loginType: DeviceCertLoginType } | undefined;
}

declare module '@fastify/secure-session' {
  interface SessionData {
    csrf: string;
    lang: Locale;
    auth: SessionAuth;
  }
}

export function csrfToken(request: FastifyRequest): string {
  let token = request.session.get('csrf');
  if (!token) {
    token = randomBytes(24).toString('base64url');
    request.session.set('csrf', token);
  }
  return token;
}

export function isCsrfValid(request: FastifyRequest, submitted: unknown): boolean {
  const expected = request.session.get('csrf');
  if (!expected || typeof submitted !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function startSession(
  request: FastifyRequest,
  tenant: Tenant,
  user: User,
  amr: string[],
  now: number,
  deviceCert?: { loginType: DeviceCertLoginType } | undefined,
): void {
  // A new session id and CSRF token at sign-in (no session fixation).
  request.session.set('csrf', randomBytes(24).toString('base64url'));
  request.session.set('auth', {
    sid: randomUUID(),
    tenantId: tenant.id,
    userId: user.id,
    issuedAt: now,
    lastSeen: now,
    mustChangePassword: user.mustChangePassword,
    amr,
    ...(deviceCert && { deviceCert: { loginType: deviceCert.loginType } }),
  });
}

export interface ActiveSession {
  auth: SessionAuth;
  user: User;
}

/** The signed-in user of this tenant, or undefined; clears a session that is no longer valid. */
/** The user of a session's sign-in data while it is valid: lifetimes, revocation, user active. */
export async function validSessionUser(
  auth: SessionAuth | undefined,
  platform: Platform,
  tenant: Tenant,
): Promise<User | undefined> {
  if (!auth || auth.tenantId !== tenant.id) return undefined;
  const now = platform.clock.now().getTime();
  const { sessionIdleMinutes, sessionMaxHours } = platform.config;
  const expired =
    now - auth.lastSeen > sessionIdleMinutes * 60_000 ||
    now - auth.issuedAt > sessionMaxHours * 3_600_000;
  if (expired) return undefined;
  const revoked = await platform.revocation.isRevoked({
    tenantId: auth.tenantId,
    userId: auth.userId,
    sessionId: auth.sid,
    issuedAt: auth.issuedAt,
  });
  const user = revoked ? undefined : await platform.users.get(tenant.id, auth.userId);
  return user?.status === 'active' ? user : undefined;
}

export async function activeSession(
  request: FastifyRequest,
  platform: Platform,
  tenant: Tenant,
): Promise<ActiveSession | undefined> {
  const auth = request.session.get('auth');
  if (!auth || auth.tenantId !== tenant.id) return undefined;
  const user = await validSessionUser(auth, platform, tenant);
  if (!user) {
    request.session.set('auth', undefined as unknown as SessionAuth);
    return undefined;
  }
  const now = platform.clock.now().getTime();
  if (now - auth.lastSeen > 60_000) request.session.set('auth', { ...auth, lastSeen: now });
  return { auth, user };
}

export function endSession(request: FastifyRequest): SessionAuth | undefined {
  const auth = request.session.get('auth');
  request.session.delete();
  return auth;
}
