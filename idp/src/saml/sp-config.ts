/**
 * The configuration of a SAML service provider, parsed and checked once when an admin saves
 * it (STYLE §4); runtime code only ever sees the typed result. Defaults:
 *
 * | field                      | default      | note                                           |
 * |----------------------------|--------------|------------------------------------------------|
 * | signResponse/signAssertion | true / true  | at least one must be true                      |
 * | requireSignedAuthnRequests | false        | needs signingCertificates                      |
 * | encryptAssertion           | false        | needs encryptionCertificate (RSA-OAEP)         |
 * | encryptionAlgorithm        | aes256-gcm   | aes256-cbc only for SPs without GCM            |
 * | allowSha1                  | false        | RSA-SHA1 / SHA-1 in SP signatures              |
 * | nameIdFormat / nameIdSource| emailAddress / email | persistent: userId (HMAC) or attr:<x>  |
 * | relayStateMaxBytes         | 80           | SAML bindings §3.4.3; up to 1024 allowed       |
 * | allowIdpInitiated          | true         | unsolicited Responses from the portal          |
 */
import type { AppKindSpec } from '../apps/app-registry.ts';
import { ValidationError } from '@sekisho/platform';
import {
  RELAY_STATE_MAX_BYTES,
  RELAY_STATE_SPEC_BYTES,
  type NameIdFormat,
} from './saml-constants.ts';
import {
  Problems,
  bool,
  certificate,
  isRecord,
  oneOf,
  onlyKeys,
  text,
  userField,
  type UserField,
} from './sp-config-fields.ts';
import { parseAcs, parseSlo, type AcsEndpoint, type SloEndpoint } from './sp-endpoints.ts';
import { parseAttributeMappings, type AttributeMapping } from './attribute-mapping.ts';

export type { AcsEndpoint, SloEndpoint, AttributeMapping, UserField };
export type NameIdSource = 'email' | 'loginId' | 'userId' | `attr:${string}`;

export interface SamlSpConfig {
  entityId: string;
  acs: AcsEndpoint[];
  slo?: SloEndpoint | undefined;
  /** PEM; AuthnRequest/LogoutRequest signatures are checked against these (rotation: several). */
  signingCertificates: string[];
  encryptionCertificate?: string | undefined;
  requireSignedAuthnRequests: boolean;
  signResponse: boolean;
  signAssertion: boolean;
  encryptAssertion: boolean;
  encryptionAlgorithm: 'aes256-gcm' | 'aes256-cbc';
  allowSha1: boolean;
  nameIdFormat: NameIdFormat;
  nameIdSource: NameIdSource;
  attributes: AttributeMapping[];
  /** AuthnContextClassRef used when the session's amr contains `mfa`. */
  authnContextMfa?: string | undefined;
  relayStateMaxBytes: number;
  allowIdpInitiated: boolean;
}

const KEYS = [
  'entityId',
  'acs',
  'slo',
  'signingCertificates',
  'encryptionCertificate',
  'requireSignedAuthnRequests',
  'signResponse',
  'signAssertion',
  'encryptAssertion',
  'encryptionAlgorithm',
  'allowSha1',
  'nameIdFormat',
  'nameIdSource',
  'attributes',
  'authnContextMfa',
  'relayStateMaxBytes',
  'allowIdpInitiated',
] as const;

const FORMATS: readonly NameIdFormat[] = ['emailAddress', 'persistent', 'transient', 'unspecified'];
const DEFAULT_SOURCE: Record<NameIdFormat, NameIdSource> = {
  emailAddress: 'email',
  persistent: 'userId',
  transient: 'userId',
  unspecified: 'loginId',
};

function certificates(raw: unknown, p: Problems): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > 4)
    return (p.add('signingCertificates', 'must be a list of at most 4 PEM certificates'), []);
  return raw.flatMap((c: unknown, i) => certificate(c, `signingCertificates[${i}]`, p) ?? []);
}

function nameId(raw: Record<string, unknown>, p: Problems) {
  const format =
    oneOf(raw.nameIdFormat, 'nameIdFormat', FORMATS, 'emailAddress', p) ?? 'emailAddress';
  const source =
    raw.nameIdSource === undefined
      ? DEFAULT_SOURCE[format]
      : userField(raw.nameIdSource, 'nameIdSource', ['email', 'loginId', 'userId'] as const, p);
  // A persistent identifier must never change or be reassigned (SAML core §8.3.7): not an
  // e-mail address or login ID, which admins edit.
  if (format === 'persistent' && source && !(source === 'userId' || source.startsWith('attr:')))
    p.add('nameIdSource', 'a persistent NameID comes from userId or attr:<immutable attribute>');
  return { format, source: source ?? DEFAULT_SOURCE[format] };
}

function relayStateMax(raw: unknown, p: Problems): number {
  if (raw === undefined) return RELAY_STATE_SPEC_BYTES;
  if (!Number.isInteger(raw) || (raw as number) < 1 || (raw as number) > RELAY_STATE_MAX_BYTES)
    p.add('relayStateMaxBytes', `must be an integer 1-${RELAY_STATE_MAX_BYTES}`);
  return raw as number;
}

export function validateSamlSpConfig(raw: unknown): SamlSpConfig {
  const p = new Problems();
  if (!isRecord(raw)) throw new ValidationError([{ field: '', message: 'must be an object' }]);
  onlyKeys(raw, KEYS, '', p);
  const entityId = text(raw.entityId, 'entityId', 1024, p);
  if (entityId && /\s/.test(entityId)) p.add('entityId', 'must not contain whitespace');
  const signingCertificates = certificates(raw.signingCertificates, p);
  const encryptionCertificate =
    raw.encryptionCertificate === undefined
      ? undefined
      : certificate(raw.encryptionCertificate, 'encryptionCertificate', p);
  const slo = parseSlo(raw.slo, p);
  const authnContextMfa =
    raw.authnContextMfa === undefined
      ? undefined
      : text(raw.authnContextMfa, 'authnContextMfa', 1024, p);
  // Optional fields are left out rather than set to undefined: the config is stored as JSON.
  const config: SamlSpConfig = {
    entityId: entityId ?? '',
    acs: parseAcs(raw.acs, p),
    ...(slo && { slo }),
    signingCertificates,
    ...(encryptionCertificate && { encryptionCertificate }),
    requireSignedAuthnRequests: bool(
      raw.requireSignedAuthnRequests,
      'requireSignedAuthnRequests',
      false,
      p,
    ),
    signResponse: bool(raw.signResponse, 'signResponse', true, p),
    signAssertion: bool(raw.signAssertion, 'signAssertion', true, p),
    encryptAssertion: bool(raw.encryptAssertion, 'encryptAssertion', false, p),
    encryptionAlgorithm:
      oneOf(
        raw.encryptionAlgorithm,
        'encryptionAlgorithm',
        ['aes256-gcm', 'aes256-cbc'],
        'aes256-gcm',
        p,
      ) ?? 'aes256-gcm',
    allowSha1: bool(raw.allowSha1, 'allowSha1', false, p),
    nameIdFormat: 'emailAddress',
    nameIdSource: 'email',
    attributes: parseAttributeMappings(raw.attributes, p),
    ...(authnContextMfa && { authnContextMfa }),
    relayStateMaxBytes: relayStateMax(raw.relayStateMaxBytes, p),
    allowIdpInitiated: bool(raw.allowIdpInitiated, 'allowIdpInitiated', true, p),
  };
  const id = nameId(raw, p);
  config.nameIdFormat = id.format;
  config.nameIdSource = id.source;
  if (!config.signResponse && !config.signAssertion)
    p.add('signAssertion', 'signResponse or signAssertion (or both) must be true');
  if (config.requireSignedAuthnRequests && !signingCertificates.length)
    p.add('requireSignedAuthnRequests', 'needs at least one of signingCertificates');
  if (config.encryptAssertion && !encryptionCertificate)
    p.add('encryptAssertion', 'needs encryptionCertificate');
  if (p.list.length) throw new ValidationError(p.list);
  return config;
}

/**
 * @example
 * await services.apps.create(tenantId, samlSpSpec, 'Google Workspace', {
 *   entityId: 'google.com', acs: [{ url: 'https://www.google.com/a/example.com/acs' }],
 * });
 */
export const samlSpSpec: AppKindSpec<SamlSpConfig> = {
  kind: 'saml',
  validate: validateSamlSpConfig,
  lookupKey: (config) => config.entityId,
};
