/**
 * @sekisho/device-cert: a CA per tenant, device-certificate issuance within the contracted
 * count (single and bulk), lifecycle (renewal, device swap, copy detection), PKCS#12
 * delivery, revocation with a CRL, external trust anchors, and client-certificate
 * verification.
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
  MailLocale,
  MailStatus,
} from './service/records.ts';
export {
  DISPLAY_STATUSES,
  EXPIRING_SOON_DAYS,
  REPLACING_DAYS,
  SWAP_PERIOD_DAYS,
  type DisplayStatus,
} from './service/display-status.ts';
export type { IssueInput } from './service/issue-input.ts';
export type { IssueFromCsrInput } from './service/issue-from-csr.ts';
export type { Pkcs12Options } from './service/pkcs12.ts';
export type { CreatedDownload, DownloadOptions } from './service/downloads.ts';
export { REVOCATION_REASONS, type RevocationReason } from './service/revoke.ts';
export type { Crl } from './service/crl.ts';
export type {
  ExternalCertificate,
  VerifyDenyReason,
  VerifyResult,
} from './service/verify-client-certificate.ts';
export type { DeviceCertSettings, DeviceCertSettingsPatch } from './service/settings.ts';
export type { DeviceCertFilter } from './service/list-certificates.ts';
export { EXPORT_COLUMNS } from './service/export-csv.ts';
export type {
  AnchorCrlFetch,
  AnchorCrlSummary,
  AnchorUserMatch,
  TrustAnchor,
  TrustAnchorInput,
} from './service/trust-anchors.ts';
export type { AnchorCrlRefresh } from './service/refresh-anchor-crls.ts';
export type { CertificateUse } from './service/record-use.ts';
export {
  ISSUE_COLUMNS,
  MAX_ISSUE_ROWS,
  type IssueColumn,
  type IssueFileRow,
  type ParsedIssueFile,
} from './service/parse-issue-file.ts';
export type { BulkOptions, BulkRejection, BulkResult } from './service/issue-bulk.ts';
export type { MailDelivery } from './service/installation-mail.ts';
