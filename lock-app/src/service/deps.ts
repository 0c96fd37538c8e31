/** What every Lock service function works with: its tables, the platform, its options. */
import type { Agent } from 'node:https';
import type { Kysely } from 'kysely';
import type { Platform } from '@sekisho/platform';
import type { LockDatabase } from '../store/tables.ts';

export interface LockLogger {
  warn(obj: object, msg: string): void;
}

export interface LockDeps {
  db: Kysely<LockDatabase>;
  platform: Platform;
  /** Base URL of enrollment links and the VAPID subject. */
  publicUrl: string;
  /** Accept push endpoints on loopback/private hosts (tests with a local push service). */
  allowInsecurePushEndpoints: boolean;
  /** TLS agent for push requests (a test push service's CA); default: Node's. */
  pushAgent: Agent | undefined;
  /** Resolves a push host name to its addresses (default: the system resolver). */
  resolve: (host: string) => Promise<string[]>;
  logger: LockLogger | undefined;
}

/** Keys and channels of the shared ephemeral store. */
export const kvKeys = {
  approval: (id: string) => `lock:approval:${id}`,
  /** The pub/sub channel on which an approval's new state is announced. */
  approvalChannel: (id: string) => `lock:approval:${id}`,
  userApprovals: (t: string, u: string) => `lock:approvals:${t}:${u}`,
  rate: (t: string, u: string) => `lock:rate:${t}:${u}`,
  denials: (t: string, u: string) => `lock:denials:${t}:${u}`,
  refused: (t: string, u: string) => `lock:refused:${t}:${u}`,
  reported: (id: string) => `lock:reported:${id}`,
  enrollment: (hash: string) => `lock:enroll:${hash}`,
  emailOtp: (t: string, u: string) => `lock:email-otp:${t}:${u}`,
  emailOtpSends: (t: string, u: string) => `lock:email-otp-sends:${t}:${u}`,
  otpFailures: (t: string, u: string) => `lock:otp-failures:${t}:${u}`,
  apiRate: (t: string, ip: string) => `lock:api-rate:${t}:${ip}`,
};

export const vapidKeyContext = (tenantId: string) => `lock-vapid:${tenantId}`;
export const totpKeyContext = (tenantId: string, userId: string) =>
  `lock-totp:${tenantId}:${userId}`;
