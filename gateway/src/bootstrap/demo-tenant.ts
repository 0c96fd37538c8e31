/**
 * First start: create the `demo` tenant with a global admin whose random password is printed
 * once. Later starts (or a second node racing the first) find the tenant and print nothing.
 */
import { randomBytes } from 'node:crypto';
import { SekishoError, hashPassword, type Platform } from '@sekisho/platform';
import { createDeviceCertService } from '@sekisho/device-cert';

export const DEMO_ADMIN_LOGIN = 'admin@demo.example';

export async function bootstrapDemoTenant(
  platform: Platform,
): Promise<{ loginId: string; password: string } | undefined> {
  let tenant = await platform.tenants.getBySlug('demo');
  // A node that died between creating the tenant and its admin left no admin: finish the job.
  if (tenant && (await platform.admins.list(tenant.id)).length > 0) return undefined;
  try {
    tenant ??= await platform.tenants.create({
      slug: 'demo',
      name: 'Demo',
      verifiedDomains: ['demo.example'],
    });
  } catch (err) {
    if (err instanceof SekishoError && err.code === 'ERR_CONFLICT') return undefined; // another node won
    throw err;
  }
  await createDeviceCertService({ platform }).ensureCa(tenant.id);
  const password = randomBytes(15).toString('base64url');
  if (await platform.users.getByLoginId(tenant.id, DEMO_ADMIN_LOGIN)) return undefined;
  const user = await platform.users
    .create(
      tenant.id,
      { loginId: DEMO_ADMIN_LOGIN, displayName: 'Demo Admin' },
      await hashPassword(password),
    )
    .catch((err: unknown) => {
      if (err instanceof SekishoError && err.code === 'ERR_USER_EXISTS') return undefined; // another node is bootstrapping
      throw err;
    });
  if (!user) return undefined;
  await platform.admins.grant(tenant.id, user.id, 'global_admin');
  await platform.audit.record({
    tenantId: tenant.id,
    actor: { type: 'system' },
    action: 'tenant.bootstrap',
    target: { type: 'tenant', id: tenant.id },
    result: 'success',
  });
  return { loginId: DEMO_ADMIN_LOGIN, password };
}
