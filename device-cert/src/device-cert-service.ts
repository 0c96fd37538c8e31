/**
 * The device-certificate service: a CA per tenant, issuance within the contracted count
 * (single or bulk), the lifecycle (renewal, device swap, suspension of suspected copies),
 * PKCS#12 delivery, revocation with a CRL, external trust anchors (their CRLs uploaded or
 * fetched), installation and renewal mails, and client-certificate verification.
 * Domain logic only (no HTTP); each behaviour lives in its own file under `service/`.
 *
 * @example
 * const certs = createDeviceCertService({ platform });
 * const cert = await certs.issue(tenantId, { userId, device, loginType: 'personal' });
 * await certs.queueInstallationMail(tenantId, cert.id, 'ja'); // a job calls deliverQueuedMails()
 * const { token, password } = await certs.createDownload(tenantId, cert.id);
 */
import type { Kysely } from 'kysely';
import type { Locale, Platform } from '@sekisho/platform';
import type { DeviceCertDatabase } from './store/tables.ts';
import { removeAnchorCrl, setAnchorCrl } from './service/anchor-crl.ts';
import { setAnchorCrlUrl } from './service/anchor-crl-url.ts';
import { currentCrl, type Crl } from './service/crl.ts';
import { clientAuthorities } from './service/client-authorities.ts';
import type { DeviceCertDeps } from './service/deps.ts';
import {
  createDownload,
  redeemDownload,
  type CreatedDownload,
  type DownloadOptions,
} from './service/downloads.ts';
import { exportCsv } from './service/export-csv.ts';
import {
  deliverQueuedMails,
  queueInstallationMail,
  type MailDelivery,
} from './service/installation-mail.ts';
import { issueBulk, type BulkOptions, type BulkResult } from './service/issue-bulk.ts';
import { issueFromCsr, type IssueFromCsrInput } from './service/issue-from-csr.ts';
import type { IssueInput } from './service/issue-input.ts';
import { issue } from './service/issue.ts';
import { listCertificates, type DeviceCertFilter } from './service/list-certificates.ts';
import { markReplacing } from './service/mark-replacing.ts';
import {
  parseIssueFile,
  type IssueFileRow,
  type ParsedIssueFile,
} from './service/parse-issue-file.ts';
import { pkcs12, type Pkcs12Options } from './service/pkcs12.ts';
import { recordUse, type CertificateUse } from './service/record-use.ts';
import { refreshAnchorCrls, type AnchorCrlRefresh } from './service/refresh-anchor-crls.ts';
import { toDeviceCertificate as toRecord, type DeviceCertificate } from './service/records.ts';
import { renew } from './service/renew.ts';
import { resume } from './service/resume.ts';
import { sendRenewalReminders } from './service/renewal-reminders.ts';
import { revoke, revokeAllOfUser, type RevocationReason } from './service/revoke.ts';
import {
  getSettings,
  updateSettings,
  type DeviceCertSettings,
  type DeviceCertSettingsPatch,
} from './service/settings.ts';
import { ensureCa } from './service/tenant-ca.ts';
import {
  addTrustAnchor,
  listTrustAnchors,
  removeTrustAnchor,
  type AnchorCrlSummary,
  type TrustAnchor,
  type TrustAnchorInput,
} from './service/trust-anchors.ts';
import { verifyClientCertificate, type VerifyResult } from './service/verify-client-certificate.ts';
import { isUuid } from '@sekisho/platform';

export interface DeviceCertServiceOptions {
  platform: Platform;
  /** Validity of a new certificate in days when the tenant saved no setting (365). */
  validityDays?: number;
  /** Days between a CRL's thisUpdate and nextUpdate (7). */
  crlDays?: number;
  /** How long uses of a certificate are compared for copy detection (12 hours). */
  copyWindowHours?: number;
  /**
   * Fetching trust-anchor CRLs from their URL: `allowLoopback` lets the URL point at loopback
   * and private addresses (tests, local development, an intranet CA). Default: the
   * deployment's ANCHOR_CRL_ALLOW_PRIVATE (off): the URL comes from a tenant admin and the
   * server fetches it.
   */
  crlFetch?: { allowLoopback?: boolean };
}

export interface DeviceCertService {
  /** The tenant CA's certificate (PEM), created on first use; for MDM tools. */
  ensureCa(tenantId: string): Promise<{ certificatePem: string }>;
  settings(tenantId: string): Promise<DeviceCertSettings>;
  updateSettings(tenantId: string, patch: DeviceCertSettingsPatch): Promise<DeviceCertSettings>;
  issue(tenantId: string, input: IssueInput): Promise<DeviceCertificate>;
  issueFromCsr(tenantId: string, input: IssueFromCsrInput): Promise<DeviceCertificate>;
  /** Reads a UTF-8 CSV/TSV bulk file; refuses the whole file when it cannot be read. */
  parseIssueFile(input: string | Uint8Array, options?: { format?: 'csv' | 'tsv' }): ParsedIssueFile;
  /** Reads the first worksheet of an XLSX bulk file, in a worker thread with size limits. */
  parseIssueFile(input: Uint8Array, options: { format: 'xlsx' }): Promise<ParsedIssueFile>;
  issueBulk(
    tenantId: string,
    rows: ParsedIssueFile | readonly IssueFileRow[],
    options?: BulkOptions,
  ): Promise<BulkResult>;
  get(tenantId: string, certId: string): Promise<DeviceCertificate | undefined>;
  list(tenantId: string, filter?: DeviceCertFilter): Promise<DeviceCertificate[]>;
  /** A user's own certificates, for the portal. */
  listForUser(tenantId: string, userId: string): Promise<DeviceCertificate[]>;
  exportCsv(tenantId: string, filter?: DeviceCertFilter): Promise<string>;
  renew(tenantId: string, certId: string): Promise<DeviceCertificate>;
  markReplacing(tenantId: string, certId: string): Promise<DeviceCertificate>;
  /** Lets a suspended (suspected copy) certificate work again; it leaves the CRL. */
  resume(tenantId: string, certId: string): Promise<DeviceCertificate>;
  /** DER PKCS#12 of a server-generated key; `legacy` = 3DES + SHA-1 MAC. */
  pkcs12(tenantId: string, certId: string, options: Pkcs12Options): Promise<Buffer>;
  createDownload(
    tenantId: string,
    certId: string,
    options?: DownloadOptions,
  ): Promise<CreatedDownload>;
  redeemDownload(
    tenantId: string,
    token: string,
    password: string,
    options: { legacy: boolean },
  ): Promise<Buffer>;
  revoke(tenantId: string, certId: string, reason: RevocationReason): Promise<DeviceCertificate>;
  revokeAllOfUser(tenantId: string, userId: string, reason: RevocationReason): Promise<number>;
  crl(tenantId: string): Promise<Crl>;
  addTrustAnchor(tenantId: string, input: TrustAnchorInput): Promise<TrustAnchor>;
  listTrustAnchors(tenantId: string): Promise<TrustAnchor[]>;
  removeTrustAnchor(tenantId: string, anchorId: string): Promise<void>;
  /**
   * Stores the anchor's CRL (DER or PEM) after checking issuer, signature, dates and that it is
   * not older than the stored one; its serials are then denied `revoked`, and after its
   * nextUpdate everything under the anchor `revocation-unknown`. Refused: `ERR_VALIDATION`.
   */
  setAnchorCrl(
    tenantId: string,
    anchorId: string,
    crl: string | Uint8Array,
  ): Promise<TrustAnchor & { crl: AnchorCrlSummary }>;
  /** Removes the anchor's CRL (returns what it said); `ERR_NOT_FOUND` when it has none. */
  removeAnchorCrl(tenantId: string, anchorId: string): Promise<AnchorCrlSummary>;
  /**
   * Sets (http or https) or clears (null) where the anchor's CRL is fetched from; a new URL
   * forgets the last fetch's outcome. Refused: `ERR_VALIDATION` on `url`.
   */
  setAnchorCrlUrl(tenantId: string, anchorId: string, url: string | null): Promise<TrustAnchor>;
  /**
   * The job: fetches the CRL of every anchor with a URL whose stored CRL is missing or past
   * half its validity, stores it when newer, records the outcome on the anchor, audits and
   * mails failures. Never throws for a fetch; see `AnchorCrlRefresh`.
   */
  refreshAnchorCrls(): Promise<AnchorCrlRefresh>;
  verifyClientCertificate(tenantId: string, pem: string): Promise<VerifyResult>;
  /** Every tenant CA and trust anchor (PEM), for a mutual-TLS listener's CA list. */
  clientAuthorities(): Promise<string[]>;
  /** Called at each sign-in with a certificate (id from the verify result): copy detection. */
  recordUse(
    tenantId: string,
    certId: string,
    use: CertificateUse,
  ): Promise<{ copySuspected: boolean }>;
  queueInstallationMail(
    tenantId: string,
    certId: string,
    locale: Locale,
  ): Promise<DeviceCertificate>;
  /** The job: sends queued installation mails. */
  deliverQueuedMails(limit?: number): Promise<MailDelivery>;
  /** The job: mails users and admins about certificates ending within 30 days; returns how many. */
  sendRenewalReminders(): Promise<number>;
}

export function createDeviceCertService(options: DeviceCertServiceOptions): DeviceCertService {
  const deps: DeviceCertDeps = {
    db: options.platform.store.db as unknown as Kysely<DeviceCertDatabase>,
    platform: options.platform,
    validityDays: options.validityDays ?? 365,
    crlDays: options.crlDays ?? 7,
    copyWindowMs: (options.copyWindowHours ?? 12) * 3_600_000,
    crlFetch: {
      allowLoopback:
        options.crlFetch?.allowLoopback ?? options.platform.config.anchorCrlAllowPrivate,
    },
  };
  return {
    async ensureCa(tenantId) {
      return { certificatePem: (await ensureCa(deps, tenantId)).certificatePem };
    },
    settings: (tenantId) => getSettings(deps, tenantId),
    updateSettings: (tenantId, patch) => updateSettings(deps, tenantId, patch),
    issue: (tenantId, input) => issue(deps, tenantId, input),
    issueFromCsr: (tenantId, input) => issueFromCsr(deps, tenantId, input),
    parseIssueFile,
    issueBulk: (tenantId, rows, o) => issueBulk(deps, tenantId, rows, o),
    async get(tenantId, certId) {
      if (!isUuid(certId)) return undefined;
      const row = await deps.db
        .selectFrom('device_certificates')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', certId)
        .executeTakeFirst();
      return row && toRecord(row, deps.platform.clock.now());
    },
    list: (tenantId, filter) => listCertificates(deps, tenantId, filter),
    listForUser: (tenantId, userId) =>
      isUuid(userId) ? listCertificates(deps, tenantId, { userId }) : Promise.resolve([]),
    exportCsv: (tenantId, filter) => exportCsv(deps, tenantId, filter),
    renew: (tenantId, certId) => renew(deps, tenantId, certId),
    markReplacing: (tenantId, certId) => markReplacing(deps, tenantId, certId),
    resume: (tenantId, certId) => resume(deps, tenantId, certId),
    pkcs12: (tenantId, certId, o) => pkcs12(deps, tenantId, certId, o),
    createDownload: (tenantId, certId, o) => createDownload(deps, tenantId, certId, o),
    redeemDownload: (tenantId, token, password, o) =>
      redeemDownload(deps, tenantId, token, password, o),
    revoke: (tenantId, certId, reason) => revoke(deps, tenantId, certId, reason),
    revokeAllOfUser: (tenantId, userId, reason) => revokeAllOfUser(deps, tenantId, userId, reason),
    crl: (tenantId) => currentCrl(deps, tenantId),
    addTrustAnchor: (tenantId, input) => addTrustAnchor(deps, tenantId, input),
    listTrustAnchors: (tenantId) => listTrustAnchors(deps, tenantId),
    removeTrustAnchor: (tenantId, anchorId) => removeTrustAnchor(deps, tenantId, anchorId),
    setAnchorCrl: (tenantId, anchorId, crl) => setAnchorCrl(deps, tenantId, anchorId, crl),
    removeAnchorCrl: (tenantId, anchorId) => removeAnchorCrl(deps, tenantId, anchorId),
    setAnchorCrlUrl: (tenantId, anchorId, url) => setAnchorCrlUrl(deps, tenantId, anchorId, url),
    refreshAnchorCrls: () => refreshAnchorCrls(deps),
    verifyClientCertificate: (tenantId, pem) => verifyClientCertificate(deps, tenantId, pem),
    clientAuthorities: () => clientAuthorities(deps),
    recordUse: (tenantId, certId, use) => recordUse(deps, tenantId, certId, use),
    queueInstallationMail: (tenantId, certId, locale) =>
      queueInstallationMail(deps, tenantId, certId, locale),
    deliverQueuedMails: (limit) => deliverQueuedMails(deps, limit),
    sendRenewalReminders: () => sendRenewalReminders(deps),
  };
}
