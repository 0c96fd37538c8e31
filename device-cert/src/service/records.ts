/** Public shapes of the device-cert package and the row mapping to them. */
import type { Selectable } from 'kysely';
import type { DeviceCertificatesTable, DeviceCertStatus, LoginType } from '../store/tables.ts';

export type { DeviceCertStatus, LoginType };

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
  status: DeviceCertStatus;
  notBefore: Date;
  notAfter: Date;
  certificatePem: string;
  fingerprintSha256: string;
  /** False when issued from a CSR: no PKCS#12 can be made, the device holds the key. */
  hasServerKey: boolean;
  revokedAt: Date | null;
  revocationReason: string | null;
  createdAt: Date;
}

/** Statuses that count against the contracted number (issue #5 §2, §6: `replacing` does not). */
export const COUNTED_STATUSES: readonly DeviceCertStatus[] = [
  'not_downloaded',
  'downloaded',
  'in_use',
];

export function toDeviceCertificate(r: Selectable<DeviceCertificatesTable>): DeviceCertificate {
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
    notBefore: r.not_before,
    notAfter: r.not_after,
    certificatePem: r.certificate_pem,
    fingerprintSha256: r.fingerprint_sha256,
    hasServerKey: r.private_key_sealed !== null,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
    createdAt: r.created_at,
  };
}
