/**
 * Warns a tenant's admins that the automatic CRL fetch of a trust anchor is failing while the
 * stored CRL runs out (its nextUpdate within a day, or already passed): after it, every
 * certificate under the anchor is denied `revocation-unknown`, so someone must act before.
 * At most one mail per anchor per (UTC) day, whatever the number of nodes and rounds: the
 * first round of the day takes a key in the shared store (as copy alerts do).
 */
import type { DeviceCertDeps } from './deps.ts';
import { deviceCertMail } from './mail-texts.ts';
import { firstToday, mailTenantAdmins } from './notify-admins.ts';

/** How close the stored CRL's nextUpdate must be for a failed fetch to be mailed about. */
export const ALERT_BEFORE_MS = 86_400_000;

export interface FailingAnchor {
  id: string;
  tenantId: string;
  name: string;
  url: string;
  nextUpdate: Date;
}

const minutes = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

/** Mails the admins unless the anchor's alert was already sent today; true when sent now. */
export async function alertAnchorCrlFailing(
  deps: DeviceCertDeps,
  anchor: FailingAnchor,
  error: string,
): Promise<boolean> {
  if (!(await firstToday(deps, `device-cert:anchor-crl-alert:${anchor.tenantId}:${anchor.id}`)))
    return false;
  const tenant = await deps.platform.tenants.get(anchor.tenantId);
  if (!tenant) return false;
  const params = {
    anchor: anchor.name,
    tenant: tenant.name,
    url: anchor.url,
    error,
    nextUpdate: minutes(anchor.nextUpdate),
  };
  await mailTenantAdmins(deps, tenant, 'device-cert.anchor-crl-alert', (locale) => ({
    subject: deviceCertMail.t(locale, 'anchor-crl.subject', params),
    text: deviceCertMail.t(locale, 'anchor-crl.body', params),
  }));
  return true;
}
