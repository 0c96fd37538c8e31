/**
 * Shared steps of the second-factor tests: a clock that runs with real time but can jump
 * ahead (approvals and codes expire by it), users in policy groups made through the admin
 * API, signing in up to the factor page, and reading the session the browser holds (the
 * app's own secure-session decoder, as the OIDC gate reads it).
 */
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { hashPassword, type Clock, type User } from '@sekisho/platform';
import { SESSION_COOKIE, type SessionAuth } from '@sekisho/idp';
import { createLockService } from '@sekisho/lock-app';
import { TestBrowser } from './browser.ts';
import { authenticatorCode } from './lock-phone.ts';
import { TEST_PASSWORD, type SeededTenant, type TestApp } from './test-app.ts';

export class JumpClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export function adminApi(t: TestApp, s: SeededTenant) {
  return (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url: `/api/tenants/${s.tenant.slug}${url}`,
      headers: { authorization: `Bearer ${s.token}` },
      ...(payload !== undefined && { payload: payload as object }),
    });
}

/** A policy group through the admin API; fails the test when refused. */
export async function policyGroup(t: TestApp, s: SeededTenant, body: Record<string, unknown>) {
  const res = await adminApi(t, s)('POST', '/policy-groups', body);
  assert.equal(res.statusCode, 201, res.body);
}

let n = 0;
export async function newUser(t: TestApp, s: SeededTenant, groups: string[] = []): Promise<User> {
  n += 1;
  const loginId = `user${n}@${s.tenant.slug}.example`;
  for (const g of groups) {
    if (!(await t.platform.groups.list(s.tenant.id)).some((x) => x.name === g))
      await t.platform.groups.create(s.tenant.id, g);
  }
  return t.platform.users.create(
    s.tenant.id,
    { loginId, displayName: loginId, email: loginId, groups },
    await hashPassword(TEST_PASSWORD),
  );
}

/** Posts the password form; returns its response (303 to the factor page when challenged). */
export async function passwordStep(
  b: TestBrowser,
  slug: string,
  loginId: string,
): Promise<LightMyRequestResponse> {
  return b.login(slug, loginId, TEST_PASSWORD);
}

export function csrfOf(body: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(body);
  assert.ok(m?.[1], 'no CSRF token on the page');
  return m[1];
}

/** The signed-in part of the browser's session cookie, or undefined. */
export function sessionAuth(t: TestApp, b: TestBrowser): SessionAuth | undefined {
  const pair = b.cookieHeader.split('; ').find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!pair) return undefined;
  const value = decodeURIComponent(pair.slice(SESSION_COOKIE.length + 1));
  return t.app.decodeSecureSession(value)?.get('auth') ?? undefined;
}

/** The totp secret shown by a setup page. */
export function secretOf(body: string): string {
  const m = /id="totp-secret">([A-Z2-7=]+)</.exec(body);
  assert.ok(m?.[1], 'no TOTP secret on the page');
  return m[1];
}

/**
 * Sets up an authenticator app (TOTP) for a user through the real Lock service on the app's
 * database, as the portal would; returns the base32 secret.
 */
export async function enrolTotp(t: TestApp, tenantId: string, userId: string): Promise<string> {
  const lock = createLockService({ platform: t.platform });
  const { secret } = await lock.beginTotpSetup(tenantId, userId);
  const ok = await lock.confirmTotpSetup(
    tenantId,
    userId,
    authenticatorCode(secret, t.platform.clock.now().getTime()),
  );
  assert.ok(ok, 'TOTP setup confirmed');
  return secret;
}

/**
 * A browser signed in with the password alone (where no factor is asked, e.g. the office),
 * then taken to `elsewhere` with its cookies: for step-up tests. Returns it and its session id.
 */
export async function passwordSessionMovedTo(
  t: TestApp,
  loginId: string,
  at: { headers: Record<string, string>; ip: string; elsewhere: string },
): Promise<{ browser: TestBrowser; sid: string | undefined }> {
  const signedIn = new TestBrowser(t.app, at.headers, at.ip);
  const res = await passwordStep(signedIn, 'acme', loginId);
  assert.equal(res.headers.location, '/t/acme/portal', 'signed in without a factor');
  assert.deepEqual(sessionAuth(t, signedIn)?.amr, ['pwd']);
  return { browser: signedIn.movedTo(at.elsewhere), sid: sessionAuth(t, signedIn)?.sid };
}
