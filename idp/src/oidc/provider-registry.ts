/**
 * One oidc-provider instance per tenant, built on first use and rebuilt when the tenant's
 * published signing keys change (a rotation), checked at most every 30 seconds per node.
 */
import type Provider from 'oidc-provider';
import type { Tenant } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { SessionAuth } from '../session/web-session.ts';
import { buildProvider } from './provider-factory.ts';

const RECHECK_MS = 30_000;

export interface ProviderRegistry {
  get(tenant: Tenant): Promise<Provider>;
}

export function createProviderRegistry(
  services: IdpServices,
  readSession: (cookieHeader: string | undefined) => SessionAuth | undefined,
  onBuilt: (provider: Provider, tenant: Tenant) => void,
): ProviderRegistry {
  const cache = new Map<
    string,
    { provider: Provider; kids: string; slug: string; checkedAt: number }
  >();
  services.keys.onRotate((tenantId) => cache.delete(tenantId));
  return {
    async get(tenant) {
      const now = Date.now();
      const cached = cache.get(tenant.id);
      if (cached && cached.slug === tenant.slug && now - cached.checkedAt < RECHECK_MS)
        return cached.provider;
      const keys = [
        ...(await services.keys.published(tenant.id, 'oidc-RS256')),
        ...(await services.keys.published(tenant.id, 'oidc-ES256')),
      ];
      const kids = keys.map((k) => k.kid).join(',');
      if (cached && cached.kids === kids && cached.slug === tenant.slug) {
        cached.checkedAt = now;
        return cached.provider;
      }
      const provider = buildProvider({ services, tenant, keys, readSession });
      onBuilt(provider, tenant);
      cache.set(tenant.id, { provider, kids, slug: tenant.slug, checkedAt: now });
      return provider;
    },
  };
}
