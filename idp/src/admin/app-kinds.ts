/**
 * How the admin API creates each kind of application from the admin's input. Each kind is one
 * entry; adding a protocol is adding a line here.
 */
import { ValidationError, type Tenant } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { AppKindSpec, Application } from '../apps/app-registry.ts';
import { newOidcClient, oidcClientSpec, type OidcClientInput } from '../oidc/client-spec.ts';
import { samlSpSpec } from '../saml/sp-config.ts';
import { parseSpMetadata } from '../saml/sp-metadata.ts';
import { fetchSpMetadata } from '../saml/fetch-sp-metadata.ts';
import { wsfedRpSpec } from '../wsfed/rp-config.ts';
import { PRESETS, isPresetId } from '../presets/preset-registry.ts';
import { tenantUrls } from '../presets/tenant-urls.ts';

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

/** The preset an application was made from, kept beside its config to show the settings. */
interface PresetRef {
  id: string;
  input: unknown;
}

async function samlCertificates(services: IdpServices, tenant: Tenant): Promise<string[]> {
  return (await services.keys.published(tenant.id, 'saml'))
    .map((k) => k.certificatePem!)
    .filter(Boolean);
}

async function fromPreset(
  services: IdpServices,
  tenant: Tenant,
  input: CreateInput,
  kind: 'saml' | 'wsfed',
): Promise<Created> {
  const id = input.preset;
  if (!isPresetId(id) || PRESETS[id].kind !== kind) {
    const ids = Object.entries(PRESETS)
      .filter(([, p]) => p.kind === kind)
      .map(([k]) => k);
    throw new ValidationError([{ field: 'preset', message: `must be one of ${ids.join(', ')}` }]);
  }
  const preset = PRESETS[id] as { spec: AppKindSpec<object>; build(input: unknown): object };
  const ref: PresetRef = { id, input: input.presetInput ?? {} };
  // Validate with the kind's own spec, then keep which preset (and input) made it.
  const spec: AppKindSpec<object> = {
    ...preset.spec,
    validate: (raw) => ({ ...preset.spec.validate(raw), preset: ref }),
  };
  const application = await services.apps.create(
    tenant.id,
    spec,
    input.name,
    preset.build(ref.input),
  );
  return { application };
}

async function presetSettings(
  services: IdpServices,
  tenant: Tenant,
  application: Application,
): Promise<Record<string, unknown> | undefined> {
  const ref = (application.config as { preset?: PresetRef }).preset;
  if (!ref || !isPresetId(ref.id)) return undefined;
  const urls = tenantUrls(services.platform.config.publicUrl, tenant.slug);
  const settings = PRESETS[ref.id].settings({
    urls,
    certificates: await samlCertificates(services, tenant),
    input: ref.input,
  });
  return { preset: ref.id, ...(settings as object) };
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
  saml: {
    /** From a preset, SP metadata (XML or URL) and/or explicit config (which wins). */
    async create(services, tenant, input) {
      if (input.preset !== undefined) return fromPreset(services, tenant, input, 'saml');
      const fromMetadata =
        typeof input.metadataXml === 'string'
          ? parseSpMetadata(input.metadataXml)
          : typeof input.metadataUrl === 'string'
            ? await fetchSpMetadata(input.metadataUrl)
            : {};
      const config = { ...fromMetadata, ...((input.config as object | undefined) ?? {}) };
      return { application: await services.apps.create(tenant.id, samlSpSpec, input.name, config) };
    },
    async settings(services, tenant, application) {
      const urls = tenantUrls(services.platform.config.publicUrl, tenant.slug);
      return (
        (await presetSettings(services, tenant, application)) ?? {
          entityId: urls.samlEntityId,
          metadataUrl: `${urls.publicUrl}/t/${tenant.slug}/saml/metadata`,
          ssoUrl: urls.samlSsoUrl,
          sloUrl: urls.samlSloUrl,
          certificates: await samlCertificates(services, tenant),
        }
      );
    },
  },
  wsfed: {
    async create(services, tenant, input) {
      if (input.preset !== undefined) return fromPreset(services, tenant, input, 'wsfed');
      return {
        application: await services.apps.create(
          tenant.id,
          wsfedRpSpec,
          input.name,
          input.config ?? {},
        ),
      };
    },
    async settings(services, tenant, application) {
      const urls = tenantUrls(services.platform.config.publicUrl, tenant.slug);
      return (
        (await presetSettings(services, tenant, application)) ?? {
          issuer: urls.wsfedIssuer,
          passiveEndpoint: urls.wsfedPassiveEndpoint,
          metadataUrl: `${urls.wsfedIssuer}/FederationMetadata/2007-06/FederationMetadata.xml`,
          certificates: await samlCertificates(services, tenant),
        }
      );
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
