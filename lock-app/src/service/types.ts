/**
 * The Lock service's types. The second-factor vocabulary (factor kinds, approval states) is
 * platform's, shared with the IdP's `SecondFactorPort` and the policy engine.
 */
export type {
  ApprovalDenyReason as DenyReason,
  ApprovalState,
  FactorKind,
  StartApprovalInput,
  StartedApproval,
} from '@sekisho/platform';

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
