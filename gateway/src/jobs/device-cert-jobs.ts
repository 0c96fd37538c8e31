/**
 * Background work of device certificates (issue #5):
 * - every 30 seconds, the queued installation mails are sent (the service claims each row
 *   before sending, so several nodes running this never send one mail twice);
 * - once a day, the renewal reminders go out; a lease in the shared store lets one node of
 *   several run each day's round.
 * A failed round is logged and retried at the next tick; it never stops the timers.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Platform } from '@sekisho/platform';
import type { DeviceCertService } from '@sekisho/device-cert';

const MAIL_INTERVAL_MS = 30_000;
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

/** Starts both timers; the returned function stops them. */
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
  void remind();
  const timers = [setInterval(() => void mail(), MAIL_INTERVAL_MS), setInterval(remind, DAY_MS)];
  for (const timer of timers) timer.unref();
  return () => timers.forEach((timer) => clearInterval(timer));
}
