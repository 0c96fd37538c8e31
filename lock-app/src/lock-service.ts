/**
 * The Lock service: push approval with number matching, TOTP, emergency codes and email
 * one-time codes. It satisfies the IdP's `SecondFactorPort` structurally (the gateway passes
 * it as `factors`), and adds the admin operations and what the app API routes call.
 * Domain logic only (no HTTP); each behaviour lives in its own file under `service/`.
 *
 * @example
 * const lock = createLockService({ platform });
 * const { id, number } = await lock.startApproval({ tenantId, userId, ip, application: 'Google Workspace' });
 * const state = await lock.waitForApproval(tenantId, id, 25_000);
 * if (state.state === 'approved' && (await lock.consumeApproval(tenantId, id, userId))) signIn();
 */
import { lookup } from 'node:dns/promises';
import type { Agent } from 'node:https';
import type { Kysely } from 'kysely';
import type { Locale, Platform } from '@sekisho/platform';
import type { LockDatabase } from './store/tables.ts';
import type { LockDeps, LockLogger } from './service/deps.ts';
import { approvalStatus, consumeApproval } from './service/approval-record.ts';
import {
  answerApproval,
  listPending,
  type AnswerInput,
  type PendingApproval,
} from './service/app-answers.ts';
import { deviceInfo, deviceOfUser, removeDevice } from './service/devices.ts';
import { sendEmailOtp, verifyEmailOtp } from './service/email-otp.ts';
import { issueEmergencyCodes, verifyEmergencyCode } from './service/emergency-codes.ts';
import { createEnrollment, enroll, type EnrollInput } from './service/enrollment.ts';
import { reportApproval } from './service/report.ts';
import { getSettings, updateSettings } from './service/settings.ts';
import { startApproval } from './service/start-approval.ts';
import {
  beginTotpSetup,
  confirmTotpSetup,
  hasTotp,
  resetTotp,
  verifyTotp,
} from './service/totp-factor.ts';
import { ensureVapidKeys } from './service/vapid.ts';
import { waitForApproval } from './service/wait-for-approval.ts';
import type {
  ApprovalState,
  DenyReason,
  FactorKind,
  LockDeviceInfo,
  LockSettings,
  LockTenant,
  StartApprovalInput,
  StartedApproval,
} from './service/types.ts';

export interface LockServiceOptions {
  platform: Platform;
  /** Base of enrollment links; default the platform's PUBLIC_URL. */
  publicUrl?: string | undefined;
  /**
   * Accept push subscriptions whose endpoint is on a loopback or private host. Off in
   * production: an enrolled endpoint would make the server POST into the internal network
   * (SSRF). Tests with a loopback push service turn it on. Endpoints are https either way.
   */
  allowInsecurePushEndpoints?: boolean | undefined;
  /** TLS agent for push requests, e.g. one trusting a test push service's CA. */
  pushAgent?: Agent | undefined;
  /** Resolves push host names (default: the system resolver). */
  resolve?: ((host: string) => Promise<string[]>) | undefined;
  logger?: LockLogger | undefined;
}

export interface LockService {
  // --- SecondFactorPort (idp/src/login/second-factor.ts) ---
  enrolled(tenantId: string, userId: string): Promise<FactorKind[]>;
  startApproval(input: StartApprovalInput): Promise<StartedApproval>;
  approvalStatus(tenantId: string, approvalId: string): Promise<ApprovalState>;
  waitForApproval(
    tenantId: string,
    approvalId: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<ApprovalState>;
  consumeApproval(tenantId: string, approvalId: string, userId: string): Promise<boolean>;
  verifyTotp(tenantId: string, userId: string, code: string): Promise<boolean>;
  beginTotpSetup(
    tenantId: string,
    userId: string,
  ): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }>;
  confirmTotpSetup(tenantId: string, userId: string, code: string): Promise<boolean>;
  verifyEmergencyCode(tenantId: string, userId: string, code: string): Promise<boolean>;
  sendEmailOtp(tenantId: string, userId: string, locale: Locale): Promise<void>;
  verifyEmailOtp(tenantId: string, userId: string, code: string): Promise<boolean>;
  createEnrollment(
    tenantId: string,
    userId: string,
  ): Promise<{ url: string; qrSvg: string; expiresAt: Date }>;
  device(tenantId: string, userId: string): Promise<LockDeviceInfo | undefined>;

  // --- admin operations ---
  removeDevice(tenantId: string, userId: string): Promise<boolean>;
  /** New codes, shown once; the user's unused codes are replaced. */
  issueEmergencyCodes(
    tenantId: string,
    userId: string,
    options?: { count?: number | undefined },
  ): Promise<{ codes: string[]; expiresAt: Date }>;
  resetTotp(tenantId: string, userId: string): Promise<boolean>;
  settings(tenantId: string): Promise<LockSettings>;
  updateSettings(tenantId: string, patch: Partial<LockSettings>): Promise<LockSettings>;

  // --- the app API (docs/lock.md), signed by the device key ---
  appConfig(tenant: LockTenant): Promise<{ vapidPublicKey: string; tenantName: string }>;
  enroll(tenant: LockTenant, input: EnrollInput): Promise<{ deviceId: string; loginId: string }>;
  pending(
    tenant: LockTenant,
    input: { deviceId: string; ts: number; signature: string },
  ): Promise<PendingApproval[]>;
  answer(
    tenant: LockTenant,
    input: AnswerInput,
  ): Promise<{ state: 'approved' } | { state: 'denied'; reason: DenyReason }>;
  report(
    tenant: LockTenant,
    input: { deviceId: string; approvalId: string; signature: string },
  ): Promise<{ state: 'denied'; suspended: boolean }>;
}

export function createLockService(options: LockServiceOptions): LockService {
  const { platform } = options;
  const deps: LockDeps = {
    db: platform.store.db as unknown as Kysely<LockDatabase>,
    platform,
    publicUrl: (options.publicUrl ?? platform.config.publicUrl).replace(/\/+$/, ''),
    allowInsecurePushEndpoints: options.allowInsecurePushEndpoints ?? false,
    pushAgent: options.pushAgent,
    resolve:
      options.resolve ??
      (async (host) => (await lookup(host, { all: true })).map((a) => a.address)),
    logger: options.logger,
  };
  return {
    async enrolled(tenantId, userId) {
      const [device, totp, settings, user] = await Promise.all([
        deviceOfUser(deps, tenantId, userId),
        hasTotp(deps, tenantId, userId),
        getSettings(deps, tenantId),
        platform.users.get(tenantId, userId),
      ]);
      const kinds: FactorKind[] = [];
      if (device) kinds.push('lock');
      if (totp) kinds.push('totp');
      if (settings.emailOtpAllowed && user?.email) kinds.push('email_otp');
      return kinds;
    },
    startApproval: (input) => startApproval(deps, input),
    approvalStatus: (tenantId, id) => approvalStatus(deps, tenantId, id),
    waitForApproval: (tenantId, id, timeoutMs, signal) =>
      waitForApproval(deps, tenantId, id, timeoutMs, signal),
    consumeApproval: (tenantId, id, userId) => consumeApproval(deps, tenantId, id, userId),
    verifyTotp: (tenantId, userId, code) => verifyTotp(deps, tenantId, userId, code),
    beginTotpSetup: (tenantId, userId) => beginTotpSetup(deps, tenantId, userId),
    confirmTotpSetup: (tenantId, userId, code) => confirmTotpSetup(deps, tenantId, userId, code),
    verifyEmergencyCode: (tenantId, userId, code) =>
      verifyEmergencyCode(deps, tenantId, userId, code),
    sendEmailOtp: (tenantId, userId, locale) => sendEmailOtp(deps, tenantId, userId, locale),
    verifyEmailOtp: (tenantId, userId, code) => verifyEmailOtp(deps, tenantId, userId, code),
    createEnrollment: (tenantId, userId) => createEnrollment(deps, tenantId, userId),
    async device(tenantId, userId) {
      const d = await deviceOfUser(deps, tenantId, userId);
      return d && deviceInfo(d);
    },
    removeDevice: (tenantId, userId) => removeDevice(deps, tenantId, userId),
    issueEmergencyCodes: (tenantId, userId, o) => issueEmergencyCodes(deps, tenantId, userId, o),
    resetTotp: (tenantId, userId) => resetTotp(deps, tenantId, userId),
    settings: (tenantId) => getSettings(deps, tenantId),
    updateSettings: (tenantId, patch) => updateSettings(deps, tenantId, patch),
    async appConfig(tenant) {
      const { publicKey } = await ensureVapidKeys(deps, tenant.id);
      return { vapidPublicKey: publicKey, tenantName: tenant.name };
    },
    enroll: (tenant, input) => enroll(deps, tenant, input),
    pending: (tenant, input) => listPending(deps, tenant, input),
    answer: (tenant, input) => answerApproval(deps, tenant, input),
    report: (tenant, input) => reportApproval(deps, tenant, input),
  };
}
