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
  'not_downloaded' | 'downloaded' | 'in_use' | 'revoked' | 'expired' | 'replacing';

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

export interface DeviceCertDatabase extends Database {
  device_cas: DeviceCasTable;
  device_certificates: DeviceCertificatesTable;
  device_cert_downloads: DeviceCertDownloadsTable;
}
