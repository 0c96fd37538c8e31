/**
 * A WS-Federation relying party (Microsoft 365 / Entra ID, or anything speaking the passive
 * requestor profile), validated when saved:
 * - `realm` (wtrealm) identifies it and becomes the token's Audience;
 * - `replyUrls` are the only addresses a token is ever posted to: a `wreply` must equal one
 *   of them byte for byte (no prefix or pattern matching, which open redirectors exploit);
 *   without `wreply` the first one is used;
 * - `signOutUrls` are extra addresses a sign-out may return to;
 * - `nameIdSource` feeds the NameIdentifier and the ImmutableID claim, `upnSource` the UPN;
 * - `launchUrl` (optional, https) is where the portal sends a user who opens the application.
 */
import { ValidationError, type FieldProblem } from '@sekisho/platform';
import type { AppKindSpec } from '../apps/app-registry.ts';
import { parseAttributeSource, type AttributeSource } from './user-attribute.ts';

export type WsFedRpConfig = {
  realm: string;
  replyUrls: string[];
  signOutUrls: string[];
  /** Default `attr:immutableId` (Entra's onPremisesImmutableId of the user). */
  nameIdSource: AttributeSource;
  /** Default `email`. */
  upnSource: AttributeSource;
  /** Validity of an issued token; default 3600 (one hour, as AD FS issues for Microsoft 365). */
  tokenLifetimeSeconds: number;
  launchUrl?: string;
};

export const MAX_URL_LENGTH = 2048;
export const MAX_REALM_LENGTH = 1024;
const MAX_URLS = 10;

/** https, or http on a loopback host for local development; no credentials, no fragment. */
export function isAllowedReplyUrl(value: string): boolean {
  if (value.length > MAX_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  const schemeOk = url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
  return schemeOk && !url.username && !url.password && !url.hash && !value.includes('#');
}

/** A realm is an absolute URI (`urn:federation:MicrosoftOnline`, `https://app.example/`). */
export function isRealm(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_REALM_LENGTH &&
    /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(value)
  );
}

function urlList(raw: unknown, field: string, min: number, problems: FieldProblem[]): string[] {
  if (raw === undefined && min === 0) return [];
  if (!Array.isArray(raw) || raw.length < min || raw.length > MAX_URLS) {
    problems.push({ field, message: `must be a list of ${min}-${MAX_URLS} URLs` });
    return [];
  }
  raw.forEach((u, i) => {
    if (typeof u !== 'string' || !isAllowedReplyUrl(u))
      problems.push({
        field: `${field}[${i}]`,
        message: 'must be an https URL (http only on localhost) without credentials or fragment',
      });
  });
  if (new Set(raw).size !== raw.length) problems.push({ field, message: 'has duplicates' });
  return raw as string[];
}

function lifetime(raw: unknown, problems: FieldProblem[]): number {
  if (raw === undefined) return 3600;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 60 || raw > 28_800) {
    problems.push({ field: 'tokenLifetimeSeconds', message: 'must be an integer 60-28800' });
    return 3600;
  }
  return raw;
}

const KNOWN = new Set([
  'realm',
  'replyUrls',
  'signOutUrls',
  'nameIdSource',
  'upnSource',
  'tokenLifetimeSeconds',
  'launchUrl',
]);

export function validateWsFedRpConfig(raw: unknown): WsFedRpConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ValidationError([{ field: 'config', message: 'must be an object' }]);
  const r = raw as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(r)
    .filter((k) => !KNOWN.has(k))
    .map((k) => ({ field: k, message: 'is not a WS-Federation relying party setting' }));
  if (!isRealm(r.realm))
    problems.push({
      field: 'realm',
      message: `must be an absolute URI of 1-${MAX_REALM_LENGTH} characters`,
    });
  const config: WsFedRpConfig = {
    realm: String(r.realm),
    replyUrls: urlList(r.replyUrls, 'replyUrls', 1, problems),
    signOutUrls: urlList(r.signOutUrls, 'signOutUrls', 0, problems),
    nameIdSource: parseAttributeSource(
      r.nameIdSource,
      'nameIdSource',
      'attr:immutableId',
      problems,
    ),
    upnSource: parseAttributeSource(r.upnSource, 'upnSource', 'email', problems),
    tokenLifetimeSeconds: lifetime(r.tokenLifetimeSeconds, problems),
  };
  if (r.launchUrl !== undefined) {
    if (
      typeof r.launchUrl === 'string' &&
      r.launchUrl.startsWith('https://') &&
      isAllowedReplyUrl(r.launchUrl)
    )
      config.launchUrl = r.launchUrl;
    else problems.push({ field: 'launchUrl', message: 'must be an https URL' });
  }
  if (problems.length) throw new ValidationError(problems);
  return Object.freeze({
    ...config,
    replyUrls: Object.freeze([...config.replyUrls]) as string[],
    signOutUrls: Object.freeze([...config.signOutUrls]) as string[],
  });
}

/**
 * @example
 * await services.apps.create(tenantId, wsfedRpSpec, 'Microsoft 365', {
 *   realm: 'urn:federation:MicrosoftOnline',
 *   replyUrls: ['https://login.microsoftonline.com/login.srf'],
 * });
 */
export const wsfedRpSpec: AppKindSpec<WsFedRpConfig> = {
  kind: 'wsfed',
  validate: validateWsFedRpConfig,
  lookupKey: (config) => config.realm,
};
