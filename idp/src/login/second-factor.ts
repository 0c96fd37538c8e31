/**
 * The port through which the IdP runs second factors after the first one (DESIGN.md, "A
 * login, end to end", step 5). The gateway supplies the Lock service (@sekisho/lock-app);
 * absent = no second factor in this deployment, and a challenge ends in a clear page.
 *
 * Every `verify*` call consumes what it accepts (a TOTP step, an emergency code, an email
 * code, an approval) so nothing verifies twice.
 */
import type {
  ApprovalState,
  FactorKind,
  StartApprovalInput,
  StartedApproval,
} from '@sekisho/platform';

export type { ApprovalState, FactorKind, StartApprovalInput, StartedApproval };

export interface SecondFactorPort {
  /** The factors this user has set up (email_otp when the tenant allows it and the user has an address). */
  enrolled(tenantId: string, userId: string): Promise<FactorKind[]>;

  /** Sends a push to the user's Lock device. Throws SekishoError (no device, too many requests, auto-refusal). */
  startApproval(input: StartApprovalInput): Promise<StartedApproval>;
  approvalStatus(tenantId: string, approvalId: string): Promise<ApprovalState>;
  /** Resolves when the approval leaves `pending` (on any node) or after `timeoutMs`. */
  waitForApproval(
    tenantId: string,
    approvalId: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<ApprovalState>;
  /** Approved -> consumed, once, for this user only; true when this call consumed it. */
  consumeApproval(tenantId: string, approvalId: string, userId: string): Promise<boolean>;

  /** A TOTP code of the user's confirmed secret, within the window, never the same step twice. */
  verifyTotp(tenantId: string, userId: string, code: string): Promise<boolean>;
  /** Starts (or restarts) a TOTP setup; the secret becomes active on `confirmTotpSetup`. */
  beginTotpSetup(
    tenantId: string,
    userId: string,
  ): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }>;
  confirmTotpSetup(tenantId: string, userId: string, code: string): Promise<boolean>;

  /** An admin-issued emergency code: single use, expiring. */
  verifyEmergencyCode(tenantId: string, userId: string, code: string): Promise<boolean>;

  /** Mails a one-time code to the user (when the tenant allows email_otp). */
  sendEmailOtp(tenantId: string, userId: string, locale: 'ja' | 'en'): Promise<void>;
  verifyEmailOtp(tenantId: string, userId: string, code: string): Promise<boolean>;

  /** A short-lived, single-use enrollment link (and its QR code) for the Lock app, for the portal. */
  createEnrollment(
    tenantId: string,
    userId: string,
  ): Promise<{ url: string; qrSvg: string; expiresAt: Date }>;
  /** The user's Lock device, if enrolled. */
  device(
    tenantId: string,
    userId: string,
  ): Promise<{ name: string; enrolledAt: Date; lastUsedAt: Date | null } | undefined>;
}
