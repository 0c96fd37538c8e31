/**
 * Background work of device certificates (issue #5):
 * - every 30 seconds, the queued installation mails are sent (the service claims each row
 *   before sending, so several nodes running this never send one mail twice);
 * - once a day, the renewal reminders go out; a lease in the shared store lets one node of
 *   several run each day's round;
 * - every 15 minutes (and at start), trust-anchor CRLs that are due are fetched from their
 *   URL; a lease lets one node of several run each round.
 * A failed round is logged and retried at the next tick; it never stops the timers.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Platform } from '@sekisho/platform';
import type { DeviceCertService } from '@sekisho/device-cert';

const MAIL_INTERVAL_MS = 30_000;
const CRL_INTERVAL_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
/** Mails sent per round; the rest wait for the next tick. */
const MAIL_BATCH = 100;

/** Sends queued installation mails; returns what the service reports. */
export function deliverDeviceCertMails(deviceCerts: DeviceCertService, limit = MAIL_BATCH) {
  return deviceCerts.deliverQueuedMails(limit);
}

/** Sends the renewal reminders unless another node already did today (then `undefined`). */
export async function sendDeviceCertReminders(
  platform: Platform,
  deviceCerts: DeviceCertService,
): Promise<Awaited<ReturnType<DeviceCertService['sendRenewalReminders']>> | undefined> {
  const won = await platform.kv.setIfAbsent('job:device-cert-reminders', String(process.pid), {
    ttlMs: DAY_MS - 60_000,
  });
  if (!won) return undefined;
  return deviceCerts.sendRenewalReminders();
}

/** Fetches the due trust-anchor CRLs unless another node runs this round (then `undefined`). */
export async function refreshDeviceCertAnchorCrls(
  platform: Platform,
  deviceCerts: DeviceCertService,
): Promise<Awaited<ReturnType<DeviceCertService['refreshAnchorCrls']>> | undefined> {
  const won = await platform.kv.setIfAbsent('job:anchor-crl-refresh', String(process.pid), {
    ttlMs: CRL_INTERVAL_MS - 60_000,
  });
  if (!won) return undefined;
  return deviceCerts.refreshAnchorCrls();
}

/** Starts the timers; the returned function stops them. */
export function scheduleDeviceCertJobs(
  platform: Platform,
  deviceCerts: DeviceCertService,
  log: FastifyBaseLogger,
): () => void {
  let mailing = false;
  const mail = async () => {
    if (mailing) return; // a slow SMTP server must not stack rounds
    mailing = true;
    try {
      const result = await deliverDeviceCertMails(deviceCerts);
      log.debug({ result }, 'device-certificate mails delivered');
    } catch (err) {
      log.error({ err }, 'device-certificate mail delivery failed');
    } finally {
      mailing = false;
    }
  };
  const remind = () =>
    sendDeviceCertReminders(platform, deviceCerts).then(
      (result) => result !== undefined && log.info({ result }, 'device-certificate reminders sent'),
      (err: unknown) => log.error({ err }, 'device-certificate reminders failed'),
    );
  let refreshing = false;
  const refreshCrls = async () => {
    if (refreshing) return; // slow CRL servers must not stack rounds
    refreshing = true;
    try {
      const result = await refreshDeviceCertAnchorCrls(platform, deviceCerts);
      if (!result) return;
      const { internalErrors, ...counts } = result;
      for (const err of internalErrors) log.error({ err }, 'trust-anchor CRL refresh failed');
      if (counts.due) log.info({ result: counts }, 'trust-anchor CRLs fetched');
    } catch (err) {
      log.error({ err }, 'trust-anchor CRL refresh failed');
    } finally {
      refreshing = false;
    }
  };
  void remind();
  void refreshCrls();
  const timers = [
    setInterval(() => void mail(), MAIL_INTERVAL_MS),
    setInterval(remind, DAY_MS),
    setInterval(() => void refreshCrls(), CRL_INTERVAL_MS),
  ];
  for (const timer of timers) timer.unref();
  return () => timers.forEach((timer) => clearInterval(timer));
}
