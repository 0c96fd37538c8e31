/**
 * The access-policy check inside oidc-provider's login prompt. It runs on every authorization
 * request, so the policy is evaluated again for every client and every context (DESIGN.md):
 * - right after our interaction finished, the gate has just run: nothing to do;
 * - without a valid Sekisho session for the same user, ask for interaction (sign-in);
 * - with one, decide: allow continues silently (SSO, prompt=none works), deny ends the
 *   request with the standard `access_denied` error, a challenge asks for interaction.
 * Any error in the policy path is a deny.
 */
import { errors, interactionPolicy } from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Platform, Tenant } from '@sekisho/platform';
import { validSessionUser, type SessionAuth } from '../session/web-session.ts';
import { ENTRANCE_PASS_COOKIE, decideSafely, type AccessPolicy } from '../login/access-policy.ts';
import type { AppRegistry } from '../apps/app-registry.ts';
import { oidcClientSpec } from './client-spec.ts';

export interface GateDeps {
  platform: Platform;
  tenant: Tenant;
  policy: AccessPolicy;
  apps: AppRegistry;
  /** Reads Sekisho's session cookie from the request (fastify's decodeSecureSession). */
  readSession(cookieHeader: string | undefined): SessionAuth | undefined;
}

/** The address the gateway computed for this request (set by oidc-routes, never by the client). */
function clientIp(ctx: KoaContextWithOIDC): string {
  return ctx.get('x-sekisho-client-ip') || ctx.ip;
}

export function policyWithGate(deps: GateDeps) {
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  login.checks.add(
    new interactionPolicy.Check(
      'sekisho_gate',
      'Sekisho sign-in and access policy',
      async (ctx: KoaContextWithOIDC) => {
        const { oidc } = ctx;
        if (oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        const auth = deps.readSession(ctx.get('cookie') || undefined);
        const user = await validSessionUser(auth, deps.platform, deps.tenant);
        if (!user || user.mustChangePassword || user.id !== oidc.session?.accountId)
          return interactionPolicy.Check.REQUEST_PROMPT;
        const app = await deps.apps.find(deps.tenant.id, oidcClientSpec, oidc.client!.clientId);
        const decision = app
          ? await decideSafely(deps.policy, user, app, {
              tenantId: deps.tenant.id,
              ip: clientIp(ctx),
              userAgent: ctx.get('user-agent'),
              at: deps.platform.clock.now(),
              amr: auth?.amr ?? [],
              entrancePass: ctx.cookies.get(ENTRANCE_PASS_COOKIE),
              deviceCert: auth?.deviceCert,
            })
          : ({ kind: 'deny', reason: 'unknown-application' } as const);
        await deps.platform.audit.record({
          tenantId: deps.tenant.id,
          actor: { type: 'user', id: user.id, name: user.loginId },
          action: 'sso.access',
          target: { type: 'application', id: app?.id ?? oidc.client!.clientId },
          result: decision.kind,
          reason: decision.kind === 'deny' ? decision.reason : decision.reasons.join(','),
          origin: { ip: clientIp(ctx), userAgent: ctx.get('user-agent') },
          details: { protocol: 'oidc', silent: true },
        });
        if (decision.kind === 'deny') throw new errors.AccessDenied('access denied by policy');
        return decision.kind === 'allow'
          ? interactionPolicy.Check.NO_NEED_TO_PROMPT
          : interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
  );
  return policy;
}
