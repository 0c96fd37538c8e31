/**
 * The second-factor vocabulary shared by the policy engine (which factors a group accepts),
 * the IdP (the factor step of a sign-in) and the Lock service (which runs them), so the three
 * packages speak one set of types without importing each other.
 */
export type FactorKind = 'lock' | 'totp' | 'email_otp';
export const FACTOR_KINDS: readonly FactorKind[] = ['lock', 'totp', 'email_otp'];

export type ApprovalDenyReason = 'user-denied' | 'wrong-number' | 'reported';

/** Where a Lock approval stands; requests refused outright never get this far (they throw). */
export type ApprovalState =
  | { state: 'pending'; expiresAt: Date }
  | { state: 'approved' }
  | { state: 'denied'; reason: ApprovalDenyReason }
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
