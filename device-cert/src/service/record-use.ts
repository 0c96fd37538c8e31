/**
 * Records each sign-in use of a device certificate and detects copies (issue #5): the gateway
 * calls this every time a certificate is used.
 *
 * - Recent uses live in the shared store (kv) per certificate for the session idle window
 *   (12 hours by default), so every node sees the uses of every other node.
 * - A copy is suspected when, within that window, another use with a different session came
 *   from a different network (IPv4 /24, IPv6 /64) or a different client (user agent): one
 *   device keeps one browser and one line, two overlapping sessions from different places
 *   mean two devices hold the key.
 * - The alert goes out once per certificate per day: audit `device-cert.copy-suspected` and a
 *   mail to the tenant's admins. With `autoSuspendCopies` on, our certificate is suspended
 *   (verification then denies it as `suspended`) every time a copy is seen.
 * - Certificates under a trust anchor (`ext:` ids) get detection and alerts, but cannot be
 *   suspended here: they are not ours.
 */
import { SekishoError, ValidationError, isUuid, type FieldProblem } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { networkOf } from './client-network.ts';
import { raiseCopyAlert } from './copy-alert.ts';
import { rememberUse, type RecentUse } from './recent-uses.ts';
import type { DeviceCertRow } from './records.ts';

export interface CertificateUse {
  ip: string;
  userAgent: string;
  sessionId: string;
}

function checkUse(use: CertificateUse): string {
  const problems: FieldProblem[] = [];
  const network = typeof use.ip === 'string' ? networkOf(use.ip) : undefined;
  if (!network) problems.push({ field: 'ip', message: 'must be an IPv4 or IPv6 address' });
  if (typeof use.userAgent !== 'string' || use.userAgent.length > 1000) {
    problems.push({ field: 'userAgent', message: 'must be a string of at most 1000 characters' });
  }
  if (typeof use.sessionId !== 'string' || !use.sessionId || use.sessionId.length > 200) {
    problems.push({ field: 'sessionId', message: 'must be a non-empty string' });
  }
  if (problems.length || !network) throw new ValidationError(problems);
  return network;
}

async function loadOurs(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
): Promise<DeviceCertRow | undefined> {
  if (certId.startsWith('ext:')) return undefined;
  const row = isUuid(certId)
    ? await deps.db
        .selectFrom('device_certificates')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', certId)
        .executeTakeFirst()
    : undefined;
  if (!row) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  return row;
}

export async function recordUse(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
  use: CertificateUse,
): Promise<{ copySuspected: boolean }> {
  const network = checkUse(use);
  if (certId.startsWith('ext:') && !/^ext:[0-9a-f]{64}$/.test(certId)) {
    throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  }
  const row = await loadOurs(deps, tenantId, certId);
  const now = deps.platform.clock.now();
  const current: RecentUse = {
    net: network,
    ua: use.userAgent,
    sid: use.sessionId,
    ip: use.ip,
    at: now.getTime(),
  };
  const conflicts = await rememberUse(deps, tenantId, certId, current);
  if (row) {
    await deps.db
      .updateTable('device_certificates')
      .set({ last_used_at: now, last_used_ip: use.ip })
      .where('id', '=', row.id)
      .execute();
  }
  if (!conflicts.length) return { copySuspected: false };
  await raiseCopyAlert(deps, tenantId, certId, row, [current, ...conflicts]);
  return { copySuspected: true };
}
