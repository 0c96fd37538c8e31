/**
 * Mails every administrator of the tenant, each in their language (their own setting, else
 * the tenant's). Sending never fails the caller: an alert that cannot be sent is logged and
 * audited, and the security action that triggered it (denial, suspension) has happened anyway.
 */
import type { Locale } from '@sekisho/platform';
import type { LockDeps } from './deps.ts';

export async function alertAdmins(
  deps: LockDeps,
  tenantId: string,
  compose: (locale: Locale) => { subject: string; text: string },
  kind: string,
): Promise<void> {
  const { platform } = deps;
  const tenant = await platform.tenants.get(tenantId);
  const admins = await platform.admins.list(tenantId);
  const results = await Promise.allSettled(
    admins.map(async (a) => {
      const user = await platform.users.get(tenantId, a.userId);
      if (!user?.email) return;
      const locale: Locale = user.locale ?? tenant?.defaultLocale ?? 'ja';
      await platform.mailer.send({ to: user.email, kind, ...compose(locale) });
    }),
  );
  const failed = results.filter((r) => r.status === 'rejected').length;
  if (failed) {
    deps.logger?.warn({ tenantId, kind, failed }, 'lock admin alert not sent');
    await platform.audit.record({
      tenantId,
      actor: { type: 'system' },
      action: 'lock.alert',
      result: 'failure',
      reason: 'mail-send-failed',
      details: { kind, failed },
    });
  }
}
