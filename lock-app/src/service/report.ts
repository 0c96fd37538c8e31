/**
 * "This wasn't me" (docs/lock.md, "Protections"): the user saw a request they did not make,
 * so someone else has their first factor.
 *
 * - The approval ends as denied (`reported`), even if it was approved by mistake and not yet
 *   used; a consumed one cannot be undone, but the report still alerts and locks.
 * - The report is audited and mailed to the tenant admins, once per approval.
 * - With the tenant setting `lockOnReport`, the account is suspended and every session of the
 *   user ends on every node.
 */
import { kvKeys, type LockDeps } from './deps.ts';
import { approvalOfDevice, signedBy } from './app-answers.ts';
import { GRACE_MS, transition } from './approval-record.ts';
import { alertAdmins } from './admin-alert.ts';
import { recordDenial } from './fatigue.ts';
import { getSettings } from './settings.ts';
import { signedString } from './signature.ts';
import type { LockTenant } from './types.ts';
import { lockMail } from '../messages.ts';

export async function reportApproval(
  deps: LockDeps,
  tenant: LockTenant,
  input: { deviceId: string; approvalId: string; signature: string },
): Promise<{ state: 'denied'; suspended: boolean }> {
  const { platform } = deps;
  const data = signedString.report(tenant.slug, input.deviceId, input.approvalId);
  const device = await signedBy(deps, tenant, input.deviceId, data, input.signature);
  let { raw, rec } = await approvalOfDevice(deps, device, input.approvalId);
  while (rec.s === 'pending' || rec.s === 'approved') {
    if (await transition(deps, input.approvalId, raw, { ...rec, s: 'denied', r: 'reported' }))
      break;
    ({ raw, rec } = await approvalOfDevice(deps, device, input.approvalId));
  }
  const first = await platform.kv.setIfAbsent(kvKeys.reported(input.approvalId), '1', {
    ttlMs: GRACE_MS * 2,
  });
  const settings = await getSettings(deps, tenant.id);
  if (!first) return { state: 'denied', suspended: settings.lockOnReport };

  const user = await platform.users.get(tenant.id, device.userId);
  const suspend = settings.lockOnReport && user?.status === 'active';
  if (suspend) {
    await platform.users.setStatus(tenant.id, device.userId, 'suspended');
    await platform.revocation.revokeUser(tenant.id, device.userId, platform.clock.now());
  }
  await platform.audit.record({
    tenantId: tenant.id,
    actor: { type: 'user', id: device.userId, name: user?.loginId ?? null },
    action: 'lock.report',
    target: { type: 'lock-approval', id: input.approvalId },
    result: 'deny',
    reason: 'reported',
    details: { application: rec.a, ip: rec.ip, suspended: suspend, state: rec.s },
  });
  await recordDenial(deps, tenant.id, device.userId);
  await alertAdmins(
    deps,
    tenant.id,
    (l) => ({
      subject: lockMail.t(l, 'report.subject'),
      text: lockMail.t(l, 'report.body', {
        tenant: tenant.name,
        loginId: user?.loginId ?? device.userId,
        application: rec.a,
        ip: rec.ip,
        time: new Date(rec.c).toISOString().replace('T', ' ').slice(0, 19),
        suspended: lockMail.t(l, settings.lockOnReport ? 'yes' : 'no'),
      }),
    }),
    'lock-report',
  );
  return { state: 'denied', suspended: settings.lockOnReport };
}
