/**
 * What happens when a copy is suspected (see `record-use.ts`): suspend our certificate when
 * the tenant asks for it (every time, so a resumed copy is stopped again; `resume.ts`) and put
 * it on the CRL as `certificateHold`; alert once per certificate per (UTC) day — audit
 * `device-cert.copy-suspected` and a mail to the tenant admins.
 */
import type { Tenant } from '@sekisho/platform';
import { regenerateCrl } from './crl.ts';
import type { DeviceCertDeps } from './deps.ts';
import { deviceCertMail, deviceLabel } from './mail-texts.ts';
import { firstToday, mailTenantAdmins } from './notify-admins.ts';
import type { RecentUse } from './recent-uses.ts';
import type { DeviceCertRow } from './records.ts';
import { getSettings } from './settings.ts';

/** Suspends the certificate and puts it on the CRL (`certificateHold`) in one transaction. */
async function suspend(deps: DeviceCertDeps, row: DeviceCertRow): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('device_certificates')
      .set({ status: 'suspended', suspended_at: deps.platform.clock.now() })
      .where('id', '=', row.id)
      .where('status', 'in', ['not_downloaded', 'downloaded', 'in_use', 'renewed', 'replacing'])
      .executeTakeFirst();
    if (!Number(res.numUpdatedRows)) return false;
    await regenerateCrl(deps, trx, row.tenant_id);
    return true;
  });
}

export async function raiseCopyAlert(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
  row: DeviceCertRow | undefined,
  uses: RecentUse[],
): Promise<void> {
  const { autoSuspendCopies } = await getSettings(deps, tenantId);
  const suspended = row !== undefined && autoSuspendCopies && (await suspend(deps, row));
  const target = { type: 'device-certificate', id: certId };
  const seen = uses.map((u) => ({ ip: u.ip, userAgent: u.ua, at: new Date(u.at).toISOString() }));
  if (suspended) {
    await deps.platform.audit.record({
      tenantId,
      actor: { type: 'system' },
      action: 'device-cert.suspended',
      target,
      result: 'success',
      reason: 'copy-suspected',
    });
  }
  if (!(await firstToday(deps, `device-cert:copy-alert:${tenantId}:${certId}`))) return;
  await deps.platform.audit.record({
    tenantId,
    actor: { type: 'system' },
    action: 'device-cert.copy-suspected',
    target,
    result: 'success',
    reason: 'copy-suspected',
    details: { uses: seen, suspended },
  });
  const tenant = await deps.platform.tenants.get(tenantId);
  if (tenant) await mailAdmins(deps, tenant, row, certId, seen, suspended);
}

async function mailAdmins(
  deps: DeviceCertDeps,
  tenant: Tenant,
  row: DeviceCertRow | undefined,
  certId: string,
  seen: { ip: string; userAgent: string; at: string }[],
  suspended: boolean,
): Promise<void> {
  const user = row && (await deps.platform.users.get(tenant.id, row.user_id));
  await mailTenantAdmins(deps, tenant, 'device-cert.copy-alert', (locale) => ({
    subject: deviceCertMail.t(locale, 'copy-alert.subject'),
    text: deviceCertMail.t(locale, 'copy-alert.body', {
      tenant: tenant.name,
      loginId: user?.loginId ?? '-',
      device: row ? deviceLabel(row) : certId,
      serial: row?.serial ?? certId,
      uses: seen.map((u) => `${u.at} ${u.ip} ${u.userAgent}`).join(' / '),
      suspended: deviceCertMail.t(
        locale,
        suspended ? 'copy-alert.suspended' : 'copy-alert.not-suspended',
      ),
    }),
  }));
}
