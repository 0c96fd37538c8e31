/**
 * Mails the administrators of a tenant who can act on device certificates (global and
 * device-certificate admins), each in their own language (their setting, else the
 * tenant's default). One failed address does not stop the others; each failure is written to
 * the audit log (`device-cert.mail`, failure) so it is not lost.
 */
import type { Locale, Tenant } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';

const NOTIFIED_ROLES: readonly string[] = ['global_admin', 'device_cert_admin'];
const DAY_MS = 86_400_000;

/**
 * True the first time `key` is seen this (UTC) day, on any node: alerts that repeat every
 * round or every use go out once a day.
 */
export async function firstToday(deps: DeviceCertDeps, key: string): Promise<boolean> {
  const day = deps.platform.clock.now().toISOString().slice(0, 10);
  return deps.platform.kv.setIfAbsent(`${key}:${day}`, '1', { ttlMs: 2 * DAY_MS });
}

export async function mailTenantAdmins(
  deps: DeviceCertDeps,
  tenant: Tenant,
  kind: string,
  build: (locale: Locale) => { subject: string; text: string },
): Promise<number> {
  let sent = 0;
  for (const grant of await deps.platform.admins.list(tenant.id)) {
    if (!NOTIFIED_ROLES.includes(grant.role)) continue;
    const admin = await deps.platform.users.get(tenant.id, grant.userId);
    if (!admin || admin.status !== 'active') continue;
    const { subject, text } = build(admin.locale ?? tenant.defaultLocale);
    try {
      await deps.platform.mailer.send({ to: admin.email, subject, text, kind });
      sent++;
    } catch (err) {
      await deps.platform.audit.record({
        tenantId: tenant.id,
        actor: { type: 'system' },
        action: 'device-cert.mail',
        target: { type: 'user', id: admin.id },
        result: 'failure',
        reason: 'mail-failed',
        details: { kind, error: (err as Error).message },
      });
    }
  }
  return sent;
}
