/**
 * The device-certificate service: a CA per tenant, issuance within the contracted count,
 * PKCS#12 delivery, revocation with a CRL, and client-certificate verification.
 * Domain logic only (no HTTP); each behaviour lives in its own file under `service/`.
 *
 * @example
 * const certs = createDeviceCertService({ platform });
 * const cert = await certs.issue(tenantId, { userId, device, loginType: 'personal' });
 * const { token, password } = await certs.createDownload(tenantId, cert.id);
 */
import type { Kysely } from 'kysely';
import type { Platform } from '@sekisho/platform';
import type { DeviceCertDatabase } from './store/tables.ts';
import { currentCrl, type Crl } from './service/crl.ts';
import type { DeviceCertDeps } from './service/deps.ts';
import {
  createDownload,
  redeemDownload,
  type CreatedDownload,
  type DownloadOptions,
} from './service/downloads.ts';
import { issueFromCsr, type IssueFromCsrInput } from './service/issue-from-csr.ts';
import type { IssueInput } from './service/issue-input.ts';
import { issue } from './service/issue.ts';
import { pkcs12, type Pkcs12Options } from './service/pkcs12.ts';
import { toDeviceCertificate as toRecord, type DeviceCertificate } from './service/records.ts';
import { revoke, revokeAllOfUser, type RevocationReason } from './service/revoke.ts';
import { ensureCa } from './service/tenant-ca.ts';
import { verifyClientCertificate, type VerifyResult } from './service/verify-client-certificate.ts';

export interface DeviceCertServiceOptions {
  platform: Platform;
  /** Default validity of a new certificate in days (365). */
  validityDays?: number;
  /** Days between a CRL's thisUpdate and nextUpdate (7). */
  crlDays?: number;
}

export interface DeviceCertService {
  /** The tenant CA's certificate (PEM), created on first use; for MDM tools. */
  ensureCa(tenantId: string): Promise<{ certificatePem: string }>;
  issue(tenantId: string, input: IssueInput): Promise<DeviceCertificate>;
  issueFromCsr(tenantId: string, input: IssueFromCsrInput): Promise<DeviceCertificate>;
  get(tenantId: string, certId: string): Promise<DeviceCertificate | undefined>;
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
  verifyClientCertificate(tenantId: string, pem: string): Promise<VerifyResult>;
}

export function createDeviceCertService(options: DeviceCertServiceOptions): DeviceCertService {
  const deps: DeviceCertDeps = {
    db: options.platform.store.db as unknown as Kysely<DeviceCertDatabase>,
    platform: options.platform,
    validityDays: options.validityDays ?? 365,
    crlDays: options.crlDays ?? 7,
  };
  return {
    async ensureCa(tenantId) {
      return { certificatePem: (await ensureCa(deps, tenantId)).certificatePem };
    },
    issue: (tenantId, input) => issue(deps, tenantId, input),
    issueFromCsr: (tenantId, input) => issueFromCsr(deps, tenantId, input),
    async get(tenantId, certId) {
      const row = await deps.db
        .selectFrom('device_certificates')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', certId)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    pkcs12: (tenantId, certId, o) => pkcs12(deps, tenantId, certId, o),
    createDownload: (tenantId, certId, o) => createDownload(deps, tenantId, certId, o),
    redeemDownload: (tenantId, token, password, o) =>
      redeemDownload(deps, tenantId, token, password, o),
    revoke: (tenantId, certId, reason) => revoke(deps, tenantId, certId, reason),
    revokeAllOfUser: (tenantId, userId, reason) => revokeAllOfUser(deps, tenantId, userId, reason),
    crl: (tenantId) => currentCrl(deps, tenantId),
    verifyClientCertificate: (tenantId, pem) => verifyClientCertificate(deps, tenantId, pem),
  };
}
