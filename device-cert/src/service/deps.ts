/** What every device-cert service function works with: its tables, the platform services. */
import type { Kysely } from 'kysely';
import type { Platform } from '@sekisho/platform';
import type { DeviceCertDatabase } from '../store/tables.ts';

export interface DeviceCertDeps {
  db: Kysely<DeviceCertDatabase>;
  platform: Platform;
  /** Default certificate validity (days), when the tenant saved no setting. */
  validityDays: number;
  /** How long a CRL is valid (nextUpdate - thisUpdate), in days. */
  crlDays: number;
  /** How long a certificate's uses are remembered for copy detection (session idle window). */
  copyWindowMs: number;
  /** Fetching trust-anchor CRLs: `allowLoopback` lets them come from loopback/private hosts. */
  crlFetch: { allowLoopback: boolean };
}

export const caKeyContext = (tenantId: string) => `device-ca:${tenantId}`;
export const deviceKeyContext = (tenantId: string, certId: string) =>
  `device-cert:${tenantId}:${certId}`;
