/** The tenant of a `/t/:tenant/lock/...` request; unknown and inactive tenants are one 404. */
import { SekishoError, type Platform } from '@sekisho/platform';
import type { LockTenant } from '../service/types.ts';

export async function lockTenant(platform: Platform, params: unknown): Promise<LockTenant> {
  const slug = (params as { tenant?: unknown } | undefined)?.tenant;
  const tenant = typeof slug === 'string' ? await platform.tenants.getBySlug(slug) : undefined;
  if (!tenant || tenant.status !== 'active')
    throw new SekishoError('ERR_NOT_FOUND', `no tenant '${String(slug)}'`);
  return { id: tenant.id, slug: tenant.slug, name: tenant.name };
}
