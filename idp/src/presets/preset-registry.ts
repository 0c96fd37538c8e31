/**
 * The presets the admin API offers. Each turns a small validated input into the config of
 * one application kind (saved through the app registry with that kind's spec) and tells the
 * admin what to enter on the vendor's side.
 *
 * | id                  | kind  | input                                                        |
 * |---------------------|-------|--------------------------------------------------------------|
 * | google-workspace    | saml  | { domain, domainSpecificIssuer?: boolean, attributes?: [] }  |
 * | microsoft-365-saml  | saml  | { domain, immutableIdAttribute?: string, upnSource? }        |
 * | microsoft-365-wsfed | wsfed | { domain, immutableIdAttribute?: string, upnSource? }        |
 *
 * `build` and `settings` throw ValidationError (naming each field) on a bad input.
 *
 * @example
 * const preset = PRESETS['google-workspace'];
 * const app = await services.apps.create(tenant.id, preset.spec, 'Google Workspace', preset.build(input));
 * const settings = preset.settings({ urls: tenantUrls(publicUrl, tenant.slug), certificates, input });
 */
import type { AppKind, AppKindSpec } from '../apps/app-registry.ts';
import { samlSpSpec, type SamlSpConfig } from '../saml/sp-config.ts';
import { wsfedRpSpec, type WsFedRpConfig } from '../wsfed/rp-config.ts';
import { googleSettings, googleWorkspacePreset, type GoogleSettings } from './google-workspace.ts';
import { microsoft365Preset, microsoft365WsFedPreset } from './microsoft-365.ts';
import { microsoftSettings, type MicrosoftSettings } from './microsoft-settings.ts';
import type { TenantUrls } from './tenant-urls.ts';

export interface PresetSettingsContext {
  urls: TenantUrls;
  /** The tenant's published SAML/WS-Fed certificates (PEM), the active one first. */
  certificates: readonly string[];
  /** The input given to `build`. */
  input: unknown;
}

export interface Preset<C, S> {
  kind: AppKind;
  title: string;
  spec: AppKindSpec<C>;
  build(input: unknown): C;
  settings(ctx: PresetSettingsContext): S;
}

export const PRESETS = Object.freeze({
  'google-workspace': {
    kind: 'saml',
    title: 'Google Workspace',
    spec: samlSpSpec,
    build: googleWorkspacePreset,
    settings: (ctx) => googleSettings(ctx.urls, ctx.certificates),
  } satisfies Preset<SamlSpConfig, GoogleSettings>,
  'microsoft-365-saml': {
    kind: 'saml',
    title: 'Microsoft 365 (SAML 2.0)',
    spec: samlSpSpec,
    build: microsoft365Preset,
    settings: (ctx) => microsoftSettings({ ...ctx, protocol: 'saml' }),
  } satisfies Preset<SamlSpConfig, MicrosoftSettings>,
  'microsoft-365-wsfed': {
    kind: 'wsfed',
    title: 'Microsoft 365 (WS-Federation)',
    spec: wsfedRpSpec,
    build: microsoft365WsFedPreset,
    settings: (ctx) => microsoftSettings({ ...ctx, protocol: 'wsFed' }),
  } satisfies Preset<WsFedRpConfig, MicrosoftSettings>,
});

export type PresetId = keyof typeof PRESETS;

export function isPresetId(value: unknown): value is PresetId {
  return typeof value === 'string' && Object.hasOwn(PRESETS, value);
}
