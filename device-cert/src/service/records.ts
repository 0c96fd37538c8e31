/** Public shapes of the device-cert package and the row mapping to them. */
import type { Selectable, Transaction } from 'kysely';
import { SekishoError } from '@sekisho/platform';
import type {
  DeviceCertDatabase,
  DeviceCertificatesTable,
  DeviceCertStatus,
  LoginType,
  MailLocale,
  MailStatus,
} from '../store/tables.ts';
import { displayStatusOf, type DisplayStatus } from './display-status.ts';

export type { DeviceCertStatus, LoginType, MailLocale, MailStatus };

export interface DeviceInfo {
  os: string;
  deviceIdType: string;
  deviceId: string;
  description?: string;
}

export interface DeviceCertificate {
  id: string;
  tenantId: string;
  userId: string;
  serial: string;
  device: Required<DeviceInfo>;
  loginType: LoginType;
  /** As stored. */
  status: DeviceCertStatus;
  /** As the admin sees it at the platform clock (see `display-status.ts`). */
  displayStatus: DisplayStatus;
  notBefore: Date;
  notAfter: Date;
  certificatePem: string;
  fingerprintSha256: string;
  /** False when issued from a CSR: no PKCS#12 can be made, the device holds the key. */
  hasServerKey: boolean;
  revokedAt: Date | null;
  revocationReason: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  /** When a device swap started; the certificate stops working 90 days later. */
  replacingSince: Date | null;
  suspendedAt: Date | null;
  /** The certificate this one renewed. */
  renewedFrom: string | null;
  /** The installation mail: `none` until an admin queues it. */
  mail: {
    status: MailStatus;
    locale: MailLocale | null;
    error: string | null;
    sentAt: Date | null;
  };
  reminderSentAt: Date | null;
}

/**
 * Statuses that count against the contracted number, while within `notAfter` (issue #5):
 * `replacing`, `renewed` (its successor counts instead), `suspended`, `revoked` and `expired`
 * do not.
 */
export const COUNTED_STATUSES: readonly DeviceCertStatus[] = [
  'not_downloaded',
  'downloaded',
  'in_use',
];

export type DeviceCertRow = Selectable<DeviceCertificatesTable>;

/** The certificate's row, locked (`FOR UPDATE`) for the rest of `trx`; `ERR_NOT_FOUND` if none. */
export async function lockCertificate(
  trx: Transaction<DeviceCertDatabase>,
  tenantId: string,
  certId: string,
): Promise<DeviceCertRow> {
  const row = await trx
    .selectFrom('device_certificates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', certId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  return row;
}

export function toDeviceCertificate(r: DeviceCertRow, now: Date): DeviceCertificate {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userId: r.user_id,
    serial: r.serial,
    device: {
      os: r.os,
      deviceIdType: r.device_id_type,
      deviceId: r.device_id,
      description: r.description,
    },
    loginType: r.login_type,
    status: r.status,
    displayStatus: displayStatusOf(r, now),
    notBefore: r.not_before,
    notAfter: r.not_after,
    certificatePem: r.certificate_pem,
    fingerprintSha256: r.fingerprint_sha256,
    hasServerKey: r.private_key_sealed !== null,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    lastUsedIp: r.last_used_ip,
    replacingSince: r.replacing_since,
    suspendedAt: r.suspended_at,
    renewedFrom: r.renewed_from,
    mail: {
      status: r.mail_status,
      locale: r.mail_locale,
      error: r.mail_error,
      sentAt: r.mail_sent_at,
    },
    reminderSentAt: r.reminder_sent_at,
  };
}
