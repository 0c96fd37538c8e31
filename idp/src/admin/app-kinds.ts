/**
 * How the admin API creates each kind of application from the admin's input. Each kind is one
 * entry; adding a protocol is adding a line here.
 */
import { ValidationError, type Tenant } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { Application } from '../apps/app-registry.ts';
import { newOidcClient, oidcClientSpec, type OidcClientInput } from '../oidc/client-spec.ts';

export interface CreateInput {
  name: string;
  config?: unknown;
  [extra: string]: unknown;
}

export interface Created {
  application: Application;
  /** Shown once (an OIDC client secret). */
  secrets?: Record<string, string>;
}

export interface AppKindHandler {
  create(services: IdpServices, tenant: Tenant, input: CreateInput): Promise<Created>;
  /** What the admin enters on the other side (issuer, URLs, certificate...), when useful. */
  settings?(
    services: IdpServices,
    tenant: Tenant,
    application: Application,
  ): Promise<Record<string, unknown>>;
}

export const APP_KINDS: Record<string, AppKindHandler> = {
  oidc: {
    async create(services, tenant, input) {
      const { config, clientSecret } = newOidcClient(
        (input.config ?? {}) as OidcClientInput,
        services.platform.secretBox,
      );
      const application = await services.apps.create(tenant.id, oidcClientSpec, input.name, config);
      return { application, ...(clientSecret && { secrets: { clientSecret } }) };
    },
    async settings(services, tenant, application) {
      const issuer = `${services.platform.config.publicUrl}/t/${tenant.slug}`;
      return {
        issuer,
        discovery: `${issuer}/.well-known/openid-configuration`,
        clientId: application.lookupKey,
      };
    },
  },
};

export function kindHandler(kind: string): AppKindHandler {
  const handler = APP_KINDS[kind];
  if (!handler)
    throw new ValidationError([
      { field: 'kind', message: `must be one of ${Object.keys(APP_KINDS).join(', ')}` },
    ]);
  return handler;
}
