/**
 * The status an admin sees, derived from the stored status and the clock, so a certificate
 * past its end shows as expired even before any job rewrites its row:
 * - `revoked` and `suspended` are final as stored;
 * - past `notAfter` (or, for `replacing`, past `replacingSince` + 90 days) -> `expired`;
 * - `replacing` and `renewed` otherwise show as stored (both still work until they end);
 * - a counted certificate within its last 30 days -> `expiring_soon` (renewal allowed).
 */
import type { DeviceCertStatus } from '../store/tables.ts';

export const DISPLAY_STATUSES = [
  'not_downloaded',
  'downloaded',
  'in_use',
  'expiring_soon',
  'renewed',
  'expired',
  'revoked',
  'replacing',
  'suspended',
] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

const DAY_MS = 86_400_000;
/** A certificate within this many days of its end is "expiring soon" and may be renewed. */
export const EXPIRING_SOON_DAYS = 30;
/** A certificate being replaced stops working this many days after the swap started. */
export const REPLACING_DAYS = 90;
/** Swaps are limited to half the contracted count within this many days. */
export const SWAP_PERIOD_DAYS = 350;

export const daysMs = (days: number) => days * DAY_MS;

/** The end of a replacing certificate's grace period. */
export function replacingEnds(replacingSince: Date): Date {
  return new Date(replacingSince.getTime() + daysMs(REPLACING_DAYS));
}

export function displayStatusOf(
  row: { status: DeviceCertStatus; not_after: Date; replacing_since: Date | null },
  now: Date,
): DisplayStatus {
  const { status } = row;
  if (status === 'revoked' || status === 'suspended' || status === 'expired') return status;
  const t = now.getTime();
  if (t >= row.not_after.getTime()) return 'expired';
  if (status === 'replacing') {
    const since = row.replacing_since ?? now;
    return t >= replacingEnds(since).getTime() ? 'expired' : 'replacing';
  }
  if (status === 'renewed') return 'renewed';
  if (row.not_after.getTime() - t <= daysMs(EXPIRING_SOON_DAYS)) return 'expiring_soon';
  return status;
}
