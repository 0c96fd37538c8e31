/** Kysely table types of the device-cert package. */
import type { ColumnType, Generated } from 'kysely';
import type { Database } from '@sekisho/platform';

type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** bigint columns come back as strings from PostgreSQL. */
type BigCounter = ColumnType<string, number | string | undefined, number | string>;

export interface DeviceCasTable {
  tenant_id: string;
  certificate_pem: string;
  private_key_sealed: string;
  serial_counter: BigCounter;
  crl_number: BigCounter;
  crl_pem: string | null;
  crl_this_update: Timestamp | null;
  created_at: CreatedAt;
}

export type LoginType = 'personal' | 'passwordless' | 'shared';
export type DeviceCertStatus =
  | 'not_downloaded'
  | 'downloaded'
  | 'in_use'
  | 'revoked'
  | 'expired'
  | 'replacing'
  | 'renewed'
  | 'suspended';
export type MailStatus = 'none' | 'queued' | 'sending' | 'sent' | 'failed';
export type MailLocale = 'ja' | 'en';

export interface DeviceCertificatesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  /** Upper-case hex without leading zeros, as X509Certificate#serialNumber. */
  serial: string;
  os: string;
  device_id_type: string;
  device_id: string;
  description: Generated<string>;
  login_type: LoginType;
  status: DeviceCertStatus;
  not_before: Timestamp;
  not_after: Timestamp;
  certificate_pem: string;
  /** As X509Certificate#fingerprint256 (`AB:CD:...`). */
  fingerprint_sha256: string;
  /** Null when issued from a CSR: the device keeps its key. */
  private_key_sealed: string | null;
  revoked_at: Timestamp | null;
  revocation_reason: string | null;
  created_at: CreatedAt;
  last_used_at: Generated<Date | null>;
  last_used_ip: Generated<string | null>;
  /** When an admin marked the certificate as being replaced (device swap). */
  replacing_since: Generated<Date | null>;
  suspended_at: Generated<Date | null>;
  /** The certificate this one renewed. */
  renewed_from: Generated<string | null>;
  mail_status: Generated<MailStatus>;
  mail_locale: Generated<MailLocale | null>;
  mail_error: Generated<string | null>;
  mail_queued_at: Generated<Date | null>;
  mail_sent_at: Generated<Date | null>;
  reminder_sent_at: Generated<Date | null>;
}

export interface DeviceCertSettingsTable {
  tenant_id: string;
  validity_days: number;
  auto_suspend_copies: boolean;
  download_limit: number;
  download_hours: number;
  updated_at: CreatedAt;
}

export interface DeviceCertAnchorsTable {
  id: string;
  tenant_id: string;
  name: string;
  certificate_pem: string;
  fingerprint_sha256: string;
  subject: string;
  not_after: Timestamp;
  login_type: LoginType;
  user_match: 'email' | 'login_id';
  created_at: CreatedAt;
  /** The summary of this anchor's CRL; all null when none. */
  crl_this_update: Generated<Date | null>;
  crl_next_update: Generated<Date | null>;
  /** Decimal; CRL numbers may exceed 2^53. */
  crl_number: Generated<string | null>;
  crl_revoked_count: Generated<number | null>;
  /** Where the CRL is fetched from (http or https); null when only uploaded. */
  crl_url: Generated<string | null>;
  /** The last fetch: when, whether it worked, and why not; all null before the first. */
  crl_fetch_at: Generated<Date | null>;
  crl_fetch_ok: Generated<boolean | null>;
  crl_fetch_error: Generated<string | null>;
}

/** The serials the anchor's stored CRL lists, normalized as `normalizeSerial` does. */
export interface DeviceCertAnchorRevokedTable {
  anchor_id: string;
  tenant_id: string;
  serial: string;
}

export interface DeviceCertDownloadsTable {
  id: string;
  tenant_id: string;
  certificate_id: string;
  token_hash: string;
  password_hash: string;
  expires_at: Timestamp;
  downloads_left: number;
  created_at: CreatedAt;
}

/** Certificates whose row was deleted (with their user) before their notAfter: still on the CRL. */
export interface DeviceCertWithdrawnTable {
  tenant_id: string;
  serial: string;
  not_after: Timestamp;
  revoked_at: Timestamp;
  revocation_reason: string;
}

export interface DeviceCertDatabase extends Database {
  device_cas: DeviceCasTable;
  device_certificates: DeviceCertificatesTable;
  device_cert_downloads: DeviceCertDownloadsTable;
  device_cert_settings: DeviceCertSettingsTable;
  device_cert_anchors: DeviceCertAnchorsTable;
  device_cert_anchor_revoked: DeviceCertAnchorRevokedTable;
  device_cert_withdrawn: DeviceCertWithdrawnTable;
}
