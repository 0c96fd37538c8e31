/**
 * Sends the approval push (RFC 8030) with web-push: payload encrypted per RFC 8291
 * (aes128gcm) with the subscription's keys, VAPID per RFC 8292 with the tenant's key.
 *
 * - The payload names the application, the IP address and the time, never the number: the
 *   number is what proves the person at the phone also sees the login page.
 * - Push is best effort. A failure never fails the login (the app pulls when opened); it is
 *   logged and audited. A push service answering 404 or 410 says the subscription is gone
 *   (RFC 8030 §7.3): it is removed, the device stays.
 */
import webpush from 'web-push';
import type { LockDeps } from './deps.ts';
import { dropSubscription, type DeviceRecord } from './devices.ts';
import { ensureVapidKeys, vapidSubject } from './vapid.ts';

export interface ApprovalPush {
  type: 'approval';
  approvalId: string;
  application: string;
  ip: string;
  at: string;
  expiresAt: string;
  tenant: string;
}

export async function sendApprovalPush(
  deps: LockDeps,
  device: DeviceRecord,
  payload: ApprovalPush,
  ttlSeconds: number,
): Promise<'sent' | 'no-subscription' | 'gone' | 'failed'> {
  if (!device.subscription || !device.subscriptionJson) return 'no-subscription';
  try {
    const vapid = await ensureVapidKeys(deps, device.tenantId);
    await webpush.sendNotification(device.subscription, JSON.stringify(payload), {
      vapidDetails: { subject: vapidSubject(deps), ...vapid },
      TTL: ttlSeconds,
      urgency: 'high',
      contentEncoding: 'aes128gcm',
      timeout: 5_000,
      ...(deps.pushAgent && { agent: deps.pushAgent }),
    });
    return 'sent';
  } catch (err) {
    const status = err instanceof webpush.WebPushError ? err.statusCode : undefined;
    const gone = status === 404 || status === 410;
    if (gone) await dropSubscription(deps, device.id, device.subscriptionJson);
    deps.logger?.warn({ err, status, deviceId: device.id }, 'lock push failed');
    await deps.platform.audit.record({
      tenantId: device.tenantId,
      actor: { type: 'system' },
      action: 'lock.push',
      target: { type: 'lock-device', id: device.id },
      result: 'failure',
      reason: gone ? 'subscription-gone' : 'push-failed',
      details: { approvalId: payload.approvalId, status: status ?? null },
    });
    return gone ? 'gone' : 'failed';
  }
}
