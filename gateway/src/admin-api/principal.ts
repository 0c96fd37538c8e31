/**
 * Who calls the admin API: a bearer API token (tenant-scoped with one admin role, or an
 * operator token across tenants), or the browser session of a tenant admin (then every
 * state-changing request must also carry the session's CSRF token in `x-csrf-token`).
 * Routes declare `config.access = { area, write }` (or `'operator'`); an `onRequest` hook
 * resolves the principal and checks the access before the body is even parsed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  SekishoError,
  isAllowed,
  type AdminArea,
  type Platform,
  type Principal,
  type Tenant,
} from '@sekisho/platform';
import { activeSession, isCsrfValid } from '@sekisho/idp';

export type RouteAccess = 'operator' | { area: AdminArea; write: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
    tenant: Tenant | null;
  }
}

async function fromToken(platform: Platform, token: string): Promise<Principal> {
  const record = await platform.tokens.authenticate(token);
  if (!record)
    throw new SekishoError('ERR_UNAUTHENTICATED', 'API token unknown, revoked or expired');
  if (record.tenantId === null)
    return { kind: 'operator', id: record.id, name: `token:${record.name}` };
  return {
    kind: 'admin',
    tenantId: record.tenantId,
    role: record.role as Exclude<typeof record.role, 'operator'>,
    id: record.id,
    name: `token:${record.name}`,
    via: 'token',
  };
}

async function fromSession(
  platform: Platform,
  request: FastifyRequest,
  tenant: Tenant,
): Promise<Principal> {
  const s = await activeSession(request, platform, tenant);
  if (!s) throw new SekishoError('ERR_UNAUTHENTICATED', 'sign in or send an API token');
  const role = await platform.admins.roleOf(tenant.id, s.user.id);
  if (!role) throw new SekishoError('ERR_FORBIDDEN', 'not an administrator of this tenant');
  if (s.auth.mustChangePassword)
    throw new SekishoError('ERR_PASSWORD_CHANGE_REQUIRED', 'set a new password first');
  if (
    request.method !== 'GET' &&
    request.method !== 'HEAD' &&
    !isCsrfValid(request, request.headers['x-csrf-token'])
  ) {
    throw new SekishoError('ERR_CSRF', 'x-csrf-token header missing or wrong');
  }
  // The admin sign-in policy: administration through a browser always needs a second factor
  // in this session, whatever the user's policy group allows (API tokens are separate).
  if (!s.auth.amr.includes('mfa')) {
    throw new SekishoError('ERR_SECOND_FACTOR_REQUIRED', 'admin sign-in requires a second factor');
  }
  return {
    kind: 'admin',
    tenantId: tenant.id,
    role,
    id: s.user.id,
    name: s.user.loginId,
    via: 'session',
  };
}

export function installAccessControl(app: FastifyInstance, platform: Platform): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('tenant', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access) throw new SekishoError('ERR_FORBIDDEN', 'route has no access rule'); // deny by default
    const slug = (request.params as { tenant?: string }).tenant;
    const tenant = slug ? await platform.tenants.getBySlug(slug) : undefined;
    const auth = request.headers.authorization;
    const principal = auth?.startsWith('Bearer ')
      ? await fromToken(platform, auth.slice(7).trim())
      : tenant
        ? await fromSession(platform, request, tenant)
        : undefined;
    if (!principal) throw new SekishoError('ERR_UNAUTHENTICATED', 'send an API token');
    request.principal = principal;
    if (slug && !tenant) {
      throw new SekishoError(
        principal.kind === 'operator' ? 'ERR_TENANT_NOT_FOUND' : 'ERR_FORBIDDEN',
        'no such tenant',
      );
    }
    request.tenant = tenant ?? null;
    if (principal.kind === 'operator') return; // the operator may do everything
    if (access === 'operator') throw new SekishoError('ERR_FORBIDDEN', 'operator only');
    if (!tenant || principal.tenantId !== tenant.id)
      throw new SekishoError('ERR_FORBIDDEN', 'not an administrator of this tenant');
    if (!isAllowed(principal.role, access.area, access.write)) {
      throw new SekishoError(
        'ERR_FORBIDDEN',
        `role ${principal.role} may not ${access.write ? 'change' : 'read'} ${access.area}`,
      );
    }
  });
}

/** The tenant of a tenant-scoped route (set by the access hook). */
export function routeTenant(request: FastifyRequest): Tenant {
  if (!request.tenant) throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');
  return request.tenant;
}

export function auditActor(request: FastifyRequest) {
  const p = request.principal;
  if (!p) return { type: 'anonymous' as const };
  return p.kind === 'operator'
    ? { type: 'operator' as const, id: p.id, name: p.name }
    : { type: p.via === 'token' ? ('token' as const) : ('admin' as const), id: p.id, name: p.name };
}

export function auditOrigin(request: FastifyRequest) {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, requestId: request.id, ...(ua && { userAgent: ua }) };
}

/** Records a successful admin action; `tenantId` defaults to the route's tenant (null: across tenants). */
export function auditAdminAction(
  platform: Platform,
  request: FastifyRequest,
  action: string,
  target: { type: string; id: string },
  details: Record<string, unknown> = {},
  tenantId: string | null = routeTenant(request).id,
) {
  return platform.audit.record({
    tenantId,
    actor: auditActor(request),
    action,
    target,
    result: 'success',
    origin: auditOrigin(request),
    details,
  });
}
