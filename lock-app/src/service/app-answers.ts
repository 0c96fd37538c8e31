/**
 * What the Lock app does with a request (docs/lock.md, "App API"): pull the pending ones,
 * answer, or report "this wasn't me". Each call is signed by the device key; the server
 * checks the signature, that the approval is this device's, not expired and not answered.
 *
 * - A wrong number ends the approval as denied (`wrong-number`): guessing is one try.
 * - An answer is accepted once (compare-and-set); a replay gets ERR_LOCK_ANSWER_USED.
 */
import { SekishoError } from '@sekisho/platform';
import { kvKeys, type LockDeps } from './deps.ts';
import { readApproval, stateOf, transition, type ApprovalRecord } from './approval-record.ts';
import { deviceById, touchDevice, type DeviceRecord } from './devices.ts';
import { recordDenial } from './fatigue.ts';
import { isValidSignature, signedString } from './signature.ts';
import type { DenyReason, LockTenant } from './types.ts';

export const PENDING_CLOCK_SKEW_MS = 60_000;

export interface AnswerInput {
  deviceId: string;
  approvalId: string;
  decision: 'approve' | 'deny';
  number: string;
  signature: string;
}

export interface PendingApproval {
  id: string;
  application: string;
  ip: string;
  at: Date;
  expiresAt: Date;
}

/** The device, when the signature over `data` is its own. */
export async function signedBy(
  deps: LockDeps,
  tenant: LockTenant,
  deviceId: string,
  data: string,
  signature: string,
): Promise<DeviceRecord> {
  const device = await deviceById(deps, tenant.id, deviceId);
  if (!device) throw new SekishoError('ERR_LOCK_DEVICE_UNKNOWN', 'no such device');
  if (!isValidSignature(device.publicKeyJwk, data, signature))
    throw new SekishoError('ERR_LOCK_SIGNATURE_INVALID', 'signature does not verify');
  return device;
}

/** The approval, when it belongs to this device; else refused. */
export async function approvalOfDevice(
  deps: LockDeps,
  device: DeviceRecord,
  approvalId: string,
): Promise<{ raw: string; rec: ApprovalRecord }> {
  const found = await readApproval(deps, approvalId);
  if (!found || found.rec.t !== device.tenantId)
    throw new SekishoError('ERR_LOCK_APPROVAL_EXPIRED', 'approval unknown or expired');
  if (found.rec.u !== device.userId || found.rec.d !== device.id)
    throw new SekishoError('ERR_FORBIDDEN', 'approval of another user or device');
  return found;
}

export async function listPending(
  deps: LockDeps,
  tenant: LockTenant,
  input: { deviceId: string; ts: number; signature: string },
): Promise<PendingApproval[]> {
  const now = deps.platform.clock.now().getTime();
  const data = signedString.pending(tenant.slug, input.deviceId, input.ts);
  const device = await signedBy(deps, tenant, input.deviceId, data, input.signature);
  if (!Number.isSafeInteger(input.ts) || Math.abs(now - input.ts) > PENDING_CLOCK_SKEW_MS)
    throw new SekishoError('ERR_LOCK_SIGNATURE_INVALID', 'ts is not within 60 s of the server');
  const raw = await deps.platform.kv.get(kvKeys.userApprovals(tenant.id, device.userId));
  const ids = raw ? (JSON.parse(raw) as string[]) : [];
  const found = await Promise.all(ids.map((id) => readApproval(deps, id)));
  return found.flatMap((f, i) => {
    const rec = f?.rec;
    if (!rec || rec.d !== device.id || stateOf(rec, now).state !== 'pending') return [];
    return [
      {
        id: ids[i] ?? '',
        application: rec.a,
        ip: rec.ip,
        at: new Date(rec.c),
        expiresAt: new Date(rec.e),
      },
    ];
  });
}

export async function answerApproval(
  deps: LockDeps,
  tenant: LockTenant,
  input: AnswerInput,
): Promise<{ state: 'approved' } | { state: 'denied'; reason: DenyReason }> {
  const { deviceId, approvalId, decision, number } = input;
  const data = signedString.answer(tenant.slug, deviceId, approvalId, decision, number);
  const device = await signedBy(deps, tenant, deviceId, data, input.signature);
  const { raw, rec } = await approvalOfDevice(deps, device, approvalId);
  const state = stateOf(rec, deps.platform.clock.now().getTime()).state;
  if (state === 'expired') throw new SekishoError('ERR_LOCK_APPROVAL_EXPIRED', 'approval expired');
  if (state !== 'pending') throw new SekishoError('ERR_LOCK_ANSWER_USED', 'already answered');
  const reason: DenyReason | undefined =
    decision === 'deny' ? 'user-denied' : number !== rec.n ? 'wrong-number' : undefined;
  const next: ApprovalRecord = reason
    ? { ...rec, s: 'denied', r: reason }
    : { ...rec, s: 'approved' };
  if (!(await transition(deps, approvalId, raw, next)))
    throw new SekishoError('ERR_LOCK_ANSWER_USED', 'answered concurrently');
  await touchDevice(deps, device.id);
  await deps.platform.audit.record({
    tenantId: tenant.id,
    actor: { type: 'user', id: device.userId },
    action: 'lock.approval.answer',
    target: { type: 'lock-approval', id: approvalId },
    result: reason ? 'deny' : 'success',
    ...(reason && { reason }),
    details: { deviceId, application: rec.a, ip: rec.ip },
  });
  if (reason) {
    await recordDenial(deps, tenant.id, device.userId);
    return { state: 'denied', reason };
  }
  return { state: 'approved' };
}
