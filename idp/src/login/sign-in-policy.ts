/**
 * The policy checks of the sign-in itself (not yet any application):
 * - before the password: may anyone sign in from this network and device? If not, the form
 *   is not even shown, and no password is checked;
 * - after the password: may this user sign in, and with which factors?
 * Both are audited with their reasons and a reference the deny page shows.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type User } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import { sendPage } from '../routes/page-context.ts';
import { idpMessages } from '../messages.ts';
import { csrfToken } from '../session/web-session.ts';
import {
  ENTRANCE_PASS_COOKIE,
  decideSafely,
  type AccessContext,
  type AccessDecision,
  type DeviceCertLoginType,
  type DeviceCertVerification,
} from './access-policy.ts';

/**
 * The client certificate the gateway's request context carries (own TLS handshake, or a
 * trusted proxy's forwarded header), read structurally so the IdP does not depend on the
 * gateway; undefined when none.
 */
export function presentedCertificatePem(request: FastifyRequest): string | undefined {
  const context = (request as { requestContext?: unknown }).requestContext as
    { clientCertificate?: { pem?: unknown } } | null | undefined;
  const pem = context?.clientCertificate?.pem;
  return typeof pem === 'string' ? pem : undefined;
}

/**
 * Verifies the presented client certificate through the policy port; undefined when none
 * was presented or this deployment has no device certificates. A port error is a failure.
 */
export async function checkDeviceCertificate(
  services: IdpServices,
  request: FastifyRequest,
  tenantId: string,
): Promise<DeviceCertVerification | undefined> {
  const pem = presentedCertificatePem(request);
  const policy = services.policy;
  if (!pem || !policy.verifyDeviceCertificate) return undefined;
  try {
    return await policy.verifyDeviceCertificate(tenantId, pem, {
      ip: request.ip,
      userAgent: String(request.headers['user-agent'] ?? '').slice(0, 512),
      sessionId: browserSessionId(request),
    });
  } catch {
    return { ok: false, reason: 'verify-error' };
  }
}

/**
 * One browser's session for copy detection: its signed-in session id, else a hash of its
 * CSRF token (kept by the browser's cookie until sign-in), else a new random value.
 */
function browserSessionId(request: FastifyRequest): string {
  const sid = request.session.get('auth')?.sid;
  if (sid) return sid;
  return createHash('sha256').update(csrfToken(request)).digest('base64url').slice(0, 22);
}

/** The login type for the policy's `cert` terms: a verified certificate of this user (any user before sign-in). */
export function deviceCertFor(
  check: DeviceCertVerification | undefined,
  user: User | undefined,
): { loginType: DeviceCertLoginType } | undefined {
  if (!check?.ok || (user && check.userId !== user.id)) return undefined;
  return { loginType: check.loginType };
}

export function accessContext(
  services: IdpServices,
  request: FastifyRequest,
  ctx: PageContext,
  amr: readonly string[] = [],
  deviceCert?: { loginType: DeviceCertLoginType } | undefined,
): AccessContext {
  return {
    tenantId: ctx.tenant.id,
    ip: ctx.origin.ip,
    userAgent: ctx.origin.userAgent,
    at: services.platform.clock.now(),
    amr,
    entrancePass: request.cookies[ENTRANCE_PASS_COOKIE],
    ...(deviceCert && { deviceCert }),
  };
}

export interface SignInDecisionOptions {
  /** The methods this sign-in used (default: `pwd` once there is a user). */
  amr?: readonly string[];
  /** An already checked certificate; otherwise the presented one is checked here. */
  deviceCert?: DeviceCertVerification | undefined;
}

export async function signInDecision(
  services: IdpServices,
  request: FastifyRequest,
  ctx: PageContext,
  user: User | undefined,
  options: SignInDecisionOptions = {},
): Promise<{ decision: AccessDecision; reference: string }> {
  const check =
    'deviceCert' in options
      ? options.deviceCert
      : await checkDeviceCertificate(services, request, ctx.tenant.id);
  const amr = options.amr ?? (user ? ['pwd'] : []);
  const decision = await decideSafely(
    services.policy,
    user,
    undefined,
    accessContext(services, request, ctx, amr, deviceCertFor(check, user)),
  );
  const { reference } = await services.platform.audit.record({
    tenantId: ctx.tenant.id,
    actor: user ? { type: 'user', id: user.id, name: user.loginId } : { type: 'anonymous' },
    action: user ? 'login.policy' : 'login.policy-pre-auth',
    target: user ? { type: 'user', id: user.id } : undefined,
    result: decision.kind,
    reason: decision.kind === 'deny' ? decision.reason : decision.reasons.join(','),
    origin: ctx.origin,
  });
  return { decision, reference };
}

export function signInRefusedPage(
  reply: FastifyReply,
  ctx: PageContext,
  decision: AccessDecision,
  reference: string,
): FastifyReply {
  const t = (k: Parameters<typeof idpMessages.t>[1], p?: Record<string, string>) =>
    idpMessages.t(ctx.locale, k, p);
  const factor = decision.kind === 'challenge';
  const body = html`
    <p class="error" role="alert">${t(factor ? 'signin.factorMissing' : 'signin.denied')}</p>
    <p>${t(factor ? 'gate.factorMissingHelp' : 'gate.deniedHelp')}</p>
    <p class="muted">${t('gate.reference', { reference })}</p>`;
  return sendPage(reply, ctx.locale, t('gate.title'), body, 403);
}

/** Sets the entrance-pass cookie when the policy grants this browser one. */
export async function maybeIssuePass(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  user: User,
  amr: readonly string[] = ['pwd'],
  deviceCert?: DeviceCertVerification | undefined,
): Promise<void> {
  const pass = await services.policy.issueEntrancePass?.(
    user,
    accessContext(services, request, ctx, amr, deviceCertFor(deviceCert, user)),
  );
  if (!pass) return;
  reply.setCookie(ENTRANCE_PASS_COOKIE, pass.token, {
    path: `/t/${ctx.tenant.slug}/`,
    httpOnly: true,
    secure: services.platform.config.publicUrl.startsWith('https:'),
    sameSite: 'lax',
    maxAge: pass.maxAgeSeconds,
  });
}
