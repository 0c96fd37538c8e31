/**
 * Audit events of the SAML IdP: every sign-in outcome (`saml.sso`: success when a Response
 * with an assertion is sent, deny with the error's reason otherwise) and every sign-out
 * (`saml.slo`). The reference goes on error pages so an admin can find the event.
 */
import type { AuditEventsTable, Platform, User } from '@sekisho/platform';
import type { PageContext } from '../routes/page-context.ts';
import type { SamlSp } from './sp-lookup.ts';

export interface SamlAuditEvent {
  action: 'saml.sso' | 'saml.slo';
  result: AuditEventsTable['result'];
  reason?: string | undefined;
  user?: Pick<User, 'id' | 'loginId'> | { id: string; loginId?: undefined } | undefined;
  sp?: SamlSp | undefined;
  details?: Record<string, unknown>;
}

export async function auditSaml(
  platform: Platform,
  ctx: PageContext,
  event: SamlAuditEvent,
): Promise<string> {
  const { reference } = await platform.audit.record({
    tenantId: ctx.tenant.id,
    actor: event.user
      ? { type: 'user', id: event.user.id, name: event.user.loginId ?? null }
      : { type: 'anonymous' },
    action: event.action,
    ...(event.sp && { target: { type: 'application', id: event.sp.id } }),
    result: event.result,
    reason: event.reason,
    origin: ctx.origin,
    details: {
      ...(event.sp && { application: event.sp.name, entityId: event.sp.config.entityId }),
      ...event.details,
    },
  });
  return reference;
}
