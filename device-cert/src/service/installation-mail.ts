/**
 * The installation mail, sent asynchronously (issue #5): the admin's request only queues it
 * (`mail_status` = queued, with the language chosen per certificate); a job calls
 * `deliverQueuedMails`, which sends and records `sent` or `failed` with the error, shown in
 * the certificate list.
 *
 * - Claimed with `FOR UPDATE SKIP LOCKED` and marked `sending`, so two nodes running the job
 *   never send one mail twice; a claim older than 10 minutes (a node died mid-send) is retried.
 * - The mail names the device and links to the portal page; it never carries the PKCS#12
 *   password (shown once at download) or the file.
 * - A certificate revoked, suspended or expired before its mail went out, or whose user is no
 *   longer active, is not announced: the mail is marked failed with the reason.
 */
import { SekishoError, isLocale, isUuid, type Locale } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import {
  COUNTED_STATUSES,
  toDeviceCertificate,
  type DeviceCertificate,
  type DeviceCertRow,
} from './records.ts';
import { deviceCertMail, deviceLabel } from './mail-texts.ts';

const RECLAIM_AFTER_MS = 10 * 60_000;

export async function queueInstallationMail(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
  locale: Locale,
): Promise<DeviceCertificate> {
  if (!isLocale(locale)) {
    throw new SekishoError('ERR_VALIDATION', 'locale must be ja or en');
  }
  const now = deps.platform.clock.now();
  const row = isUuid(certId)
    ? await deps.db
        .updateTable('device_certificates')
        .set({ mail_status: 'queued', mail_locale: locale, mail_error: null, mail_queued_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', certId)
        .where('status', 'in', COUNTED_STATUSES)
        .where('not_after', '>', now)
        .returningAll()
        .executeTakeFirst()
    : undefined;
  if (row) return toDeviceCertificate(row, now);
  const existing = isUuid(certId)
    ? await deps.db
        .selectFrom('device_certificates')
        .select('status')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', certId)
        .executeTakeFirst()
    : undefined;
  if (!existing) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  throw new SekishoError('ERR_DEVICE_CERT_STATUS', 'only a valid certificate can be announced', {
    params: { status: existing.status },
  });
}

export interface MailDelivery {
  sent: number;
  failed: number;
}

export async function deliverQueuedMails(deps: DeviceCertDeps, limit = 50): Promise<MailDelivery> {
  const now = deps.platform.clock.now();
  const stale = new Date(now.getTime() - RECLAIM_AFTER_MS);
  const claimed = await deps.db
    .updateTable('device_certificates')
    .set({ mail_status: 'sending', mail_queued_at: now })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('device_certificates')
        .select('id')
        .where((w) =>
          w.or([
            w('mail_status', '=', 'queued'),
            w.and([w('mail_status', '=', 'sending'), w('mail_queued_at', '<', stale)]),
          ]),
        )
        .orderBy('mail_queued_at')
        .limit(Math.max(1, Math.min(limit, 500)))
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  const result: MailDelivery = { sent: 0, failed: 0 };
  for (const row of claimed) {
    const error = await sendOne(deps, row, now);
    await deps.db
      .updateTable('device_certificates')
      .set(
        error === undefined
          ? { mail_status: 'sent', mail_sent_at: deps.platform.clock.now(), mail_error: null }
          : { mail_status: 'failed', mail_error: error },
      )
      .where('id', '=', row.id)
      .where('mail_status', '=', 'sending')
      .execute();
    result[error === undefined ? 'sent' : 'failed']++;
  }
  return result;
}

/** Sends one installation mail; returns why it was not sent, or undefined. */
async function sendOne(
  deps: DeviceCertDeps,
  row: DeviceCertRow,
  now: Date,
): Promise<string | undefined> {
  const status = toDeviceCertificate(row, now).displayStatus;
  if (['revoked', 'suspended', 'expired', 'replacing', 'renewed'].includes(status)) {
    return `certificate is ${status}`;
  }
  const tenant = await deps.platform.tenants.get(row.tenant_id);
  const user = await deps.platform.users.get(row.tenant_id, row.user_id);
  if (!tenant || !user || user.status !== 'active') return 'user is not active';
  const locale = row.mail_locale ?? user.locale ?? tenant.defaultLocale;
  const link = `${deps.platform.config.publicUrl}/t/${tenant.slug}/portal/device-certificates`;
  try {
    await deps.platform.mailer.send({
      to: user.email,
      subject: deviceCertMail.t(locale, 'installation.subject'),
      text: deviceCertMail.t(locale, 'installation.body', {
        name: user.displayName,
        tenant: tenant.name,
        device: deviceLabel(row),
        loginId: user.loginId,
        link,
      }),
      kind: 'device-cert.installation',
    });
    return undefined;
  } catch (err) {
    return (err as Error).message.slice(0, 500);
  }
}
