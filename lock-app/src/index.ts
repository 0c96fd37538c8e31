/**
 * @sekisho/lock-app: the Lock approval service (push approval with number matching, TOTP,
 * emergency codes, email one-time codes), its tables, and the fastify plugin serving the app
 * API and the PWA under `/t/{tenant}/lock/`. The contract is docs/lock.md.
 */
export { createLockService, type LockService, type LockServiceOptions } from './lock-service.ts';
export { lockRoutes, type LockRoutesOptions } from './routes.ts';
export { lockMigrations } from './store/migrations.ts';
export type { LockDatabase } from './store/tables.ts';
export type {
  ApprovalState,
  DenyReason,
  FactorKind,
  LockDeviceInfo,
  LockSettings,
  LockTenant,
  StartApprovalInput,
  StartedApproval,
} from './service/types.ts';
export type { EnrollInput } from './service/enrollment.ts';
export type { AnswerInput, PendingApproval } from './service/app-answers.ts';
export type { ApprovalPush } from './service/push.ts';
export type { PushSubscriptionJson } from './service/push-subscription.ts';
export { signedString } from './service/signature.ts';
export { DEFAULT_SETTINGS } from './service/settings.ts';
export {
  LOCK_TOTP,
  TOTP_WINDOW,
  totpCode,
  totpStep,
  matchTotpStep,
  type TotpParams,
} from './service/totp.ts';
