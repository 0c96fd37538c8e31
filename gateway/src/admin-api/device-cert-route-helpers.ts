/**
 * Steps shared by the device-certificate admin routes: the user a request names, the
 * installation mail's language, a certificate that must exist, the portal download URL, and
 * the audit record of a change to a certificate.
 */
import type { FastifyRequest } from 'fastify';
import {
  SekishoError,
  ValidationError,
  type Locale as LocaleCode,
  type Platform,
  type Tenant,
  type User,
} from '@sekisho/platform';
import type { DeviceCertificate, DeviceCertService } from '@sekisho/device-cert';
import { auditAdminAction } from './principal.ts';

export type Certs = DeviceCertService;

/** For POST routes whose JSON body is optional: no body reads as `{}`. */
export async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

/** The user a request names by userId or loginId (exactly one of them). */
export async function resolveUser(
  platform: Platform,
  tenant: Tenant,
  body: { userId?: string | undefined; loginId?: string | undefined },
): Promise<User> {
  if ((body.userId === undefined) === (body.loginId === undefined)) {
    throw new ValidationError([
      { field: 'userId', message: 'give exactly one of userId, loginId' },
    ]);
  }
  const user =
    body.userId !== undefined
      ? await platform.users.get(tenant.id, body.userId)
      : await platform.users.getByLoginId(tenant.id, body.loginId ?? '');
  if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
  return user;
}

/** The language of a certificate's installation mail: asked, else the user's, else the tenant's. */
export const mailLocaleOf = (
  asked: LocaleCode | undefined,
  user: User | undefined,
  tenant: Tenant,
): LocaleCode => asked ?? user?.locale ?? tenant.defaultLocale;

export async function mustGet(
  certs: Certs,
  tenantId: string,
  id: string,
): Promise<DeviceCertificate> {
  const cert = await certs.get(tenantId, id);
  if (!cert) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  return cert;
}

export function downloadUrl(platform: Platform, tenant: Tenant, token: string): string {
  const base = platform.config.publicUrl.replace(/\/+$/, '');
  return `${base}/t/${tenant.slug}/device-certificates/download?token=${encodeURIComponent(token)}`;
}

/** Audits an admin's change to one certificate. */
export function certAudit(platform: Platform) {
  return (
    request: FastifyRequest,
    action: string,
    id: string,
    details: Record<string, unknown> = {},
  ) => auditAdminAction(platform, request, action, { type: 'device-certificate', id }, details);
}
