/**
 * Finds a registered, enabled SAML SP of the tenant — by the entityID a message names as its
 * Issuer, or by application id (IdP-initiated sign-in, pending requests). A disabled SP is
 * treated as unknown: nothing is sent to it.
 */
import type { Application } from '../apps/app-registry.ts';
import type { IdpServices } from '../services.ts';
import { SamlError } from './saml-error.ts';
import { samlSpSpec, type SamlSpConfig } from './sp-config.ts';

export type SamlSp = Application<SamlSpConfig>;

const unknown = (detail: string) =>
  new SamlError('ERR_SAML_UNKNOWN_SP', 'the service provider is not registered', { detail });

export async function findSpByEntityId(
  services: IdpServices,
  tenantId: string,
  entityId: string,
): Promise<SamlSp> {
  const app = await services.apps.find(tenantId, samlSpSpec, entityId);
  if (!app?.enabled) throw unknown(`Issuer=${entityId}`);
  return app;
}

export async function getSpById(
  services: IdpServices,
  tenantId: string,
  appId: string,
): Promise<SamlSp> {
  const app = /^[0-9a-f-]{36}$/i.test(appId) ? await services.apps.get(tenantId, appId) : undefined;
  if (!app?.enabled || app.kind !== 'saml') throw unknown(`application ${appId}`);
  return app as SamlSp;
}
