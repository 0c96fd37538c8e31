/**
 * Renewal reminders (issue #5): each certificate that still counts and ends within 30 days is
 * announced once — to its user (their language, else the tenant's) and, in one mail per
 * tenant listing them, to the tenant's admins. `reminder_sent_at` is set in the same UPDATE
 * that selects the certificates, so two nodes running the job never remind twice.
 */
import type { Tenant } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { EXPIRING_SOON_DAYS, daysMs } from './display-status.ts';
import { deviceCertMail, deviceLabel } from './mail-texts.ts';
import { mailTenantAdmins } from './notify-admins.ts';
import { COUNTED_STATUSES, type DeviceCertRow } from './records.ts';

const day = (d: Date) => d.toISOString().slice(0, 10);

export async function sendRenewalReminders(deps: DeviceCertDeps): Promise<number> {
  const now = deps.platform.clock.now();
  const rows = await deps.db
    .updateTable('device_certificates')
    .set({ reminder_sent_at: now })
    .where('status', 'in', COUNTED_STATUSES)
    .where('not_after', '>', now)
    .where('not_after', '<=', new Date(now.getTime() + daysMs(EXPIRING_SOON_DAYS)))
    .where('reminder_sent_at', 'is', null)
    .returningAll()
    .execute();
  const byTenant = Map.groupBy(rows, (r) => r.tenant_id);
  for (const [tenantId, certs] of byTenant) {
    const tenant = await deps.platform.tenants.get(tenantId);
    if (tenant) await remindTenant(deps, tenant, certs);
  }
  return rows.length;
}

async function remindTenant(deps: DeviceCertDeps, tenant: Tenant, certs: DeviceCertRow[]) {
  const link = `${deps.platform.config.publicUrl}/t/${tenant.slug}/portal/device-certificates`;
  const lines: string[] = [];
  for (const cert of certs) {
    const user = await deps.platform.users.get(tenant.id, cert.user_id);
    lines.push(`- ${user?.loginId ?? cert.user_id}: ${deviceLabel(cert)} (${day(cert.not_after)})`);
    if (!user || user.status !== 'active') continue;
    const locale = user.locale ?? tenant.defaultLocale;
    const params = { name: user.displayName, tenant: tenant.name, device: deviceLabel(cert) };
    try {
      await deps.platform.mailer.send({
        to: user.email,
        subject: deviceCertMail.t(locale, 'reminder.subject', { date: day(cert.not_after) }),
        text: deviceCertMail.t(locale, 'reminder.body', {
          ...params,
          date: day(cert.not_after),
          link,
        }),
        kind: 'device-cert.reminder',
      });
    } catch (err) {
      await deps.platform.audit.record({
        tenantId: tenant.id,
        actor: { type: 'system' },
        action: 'device-cert.mail',
        target: { type: 'device-certificate', id: cert.id },
        result: 'failure',
        reason: 'mail-failed',
        details: { kind: 'device-cert.reminder', error: (err as Error).message },
      });
    }
  }
  await mailTenantAdmins(deps, tenant, 'device-cert.reminder-admin', (locale) => ({
    subject: deviceCertMail.t(locale, 'reminder-admin.subject', {
      count: certs.length,
      tenant: tenant.name,
    }),
    text: deviceCertMail.t(locale, 'reminder-admin.body', {
      tenant: tenant.name,
      list: lines.join('\n'),
    }),
  }));
}
