/**
 * The second-factor types the IdP's `SecondFactorPort` (idp/src/login/second-factor.ts) expects,
 * declared here again so lock-app never imports @sekisho/idp; the gateway passes the Lock
 * service where the port is wanted, and the type checker matches the two structurally.
 */
export type FactorKind = 'lock' | 'totp' | 'email_otp';

export type DenyReason = 'user-denied' | 'wrong-number' | 'reported';

/** Where a Lock approval stands; `refused` requests never get this far (they throw). */
export type ApprovalState =
  | { state: 'pending'; expiresAt: Date }
  | { state: 'approved' }
  | { state: 'denied'; reason: DenyReason }
  | { state: 'expired' }
  | { state: 'consumed' };

export interface StartApprovalInput {
  tenantId: string;
  userId: string;
  /** What the user is signing in to, shown in the app ("Sekisho portal" when none). */
  application?: string | undefined;
  ip: string;
  userAgent?: string | undefined;
}

export interface StartedApproval {
  id: string;
  /** The two-digit number the login page shows and the user types in the app. */
  number: string;
  expiresAt: Date;
}

export interface LockDeviceInfo {
  name: string;
  enrolledAt: Date;
  lastUsedAt: Date | null;
}

/** A tenant as the app API knows it: the slug is part of every signed string. */
export interface LockTenant {
  id: string;
  slug: string;
  name: string;
}

export interface LockSettings {
  /** "This wasn't me" suspends the account. */
  lockOnReport: boolean;
  /** Email one-time codes may be used as a factor. */
  emailOtpAllowed: boolean;
  /** How long a pending approval waits for the answer (15-600 s, default 60). */
  approvalTtlSeconds: number;
  /** How long an emergency code stays valid (1-720 h, default 24). */
  emergencyCodeHours: number;
}
