/**
 * @sekisho/device-cert: a CA per tenant, device-certificate issuance within the contracted
 * count, PKCS#12 delivery, revocation with a CRL, and client-certificate verification.
 */
export {
  createDeviceCertService,
  type DeviceCertService,
  type DeviceCertServiceOptions,
} from './device-cert-service.ts';
export { deviceCertMigrations } from './store/migrations.ts';
export type { DeviceCertDatabase } from './store/tables.ts';
export type {
  DeviceCertificate,
  DeviceCertStatus,
  DeviceInfo,
  LoginType,
} from './service/records.ts';
export type { IssueInput } from './service/issue-input.ts';
export type { IssueFromCsrInput } from './service/issue-from-csr.ts';
export type { Pkcs12Options } from './service/pkcs12.ts';
export type { CreatedDownload, DownloadOptions } from './service/downloads.ts';
export { REVOCATION_REASONS, type RevocationReason } from './service/revoke.ts';
export type { Crl } from './service/crl.ts';
export type { VerifyDenyReason, VerifyResult } from './service/verify-client-certificate.ts';
