/**
 * Google Workspace / Cloud Identity as a SAML service provider, with Sekisho as the
 * third-party IdP. Vendor rules, each from Google's own pages:
 * - SP entity ID `google.com`, or `google.com/a/<domain>` with "Use a domain-specific issuer"
 *   (https://support.google.com/a/answer/6349809, "About the issuer");
 * - ACS `https://www.google.com/a/<primary domain>/acs`, HTTP-POST only
 *   (https://support.google.com/a/answer/6330801; https://support.google.com/a/answer/2463723);
 * - NameID = the user's primary e-mail address (https://support.google.com/a/answer/6330801);
 * - responses must not be encrypted (https://support.google.com/a/answer/2463723);
 * - signed with the key of the uploaded certificate; we sign Response and Assertion,
 *   RSA-SHA256 (https://support.google.com/a/answer/6262987);
 * - at most 2 kB of attribute data (https://support.google.com/a/answer/6330801): a mapping
 *   that could exceed it is refused when the preset is built, see `googleAttributeBytes`;
 * - RelayState comes back unchanged; Google's is a URL longer than SAML's 80-byte advice
 *   (https://support.google.com/a/answer/2463723), so the SP allows the maximum.
 */
import { type FieldProblem } from '@sekisho/platform';
import { samlSpSpec, type AttributeMapping, type SamlSpConfig } from '../saml/sp-config.ts';
import { RELAY_STATE_MAX_BYTES } from '../saml/saml-constants.ts';
import type { TenantUrls } from './tenant-urls.ts';
import { domainName, inputRecord, optionalBoolean, throwIfAny } from './preset-input.ts';

/** What the admin enters to connect Google Workspace. */
export interface GoogleWorkspaceInput {
  /** The primary domain of the Google account, e.g. `example.com`. */
  domain: string;
  /** True when "Use a domain-specific issuer" is ticked in Google's SSO profile. */
  domainSpecificIssuer?: boolean;
  /** Optional attributes; Google keeps them for the session only. At most 2 kB worst case. */
  attributes?: { name: string; source: AttributeMapping['source'] }[];
}

export const GOOGLE_ATTRIBUTE_LIMIT_BYTES = 2048;

// Longest value of each source (platform's user-input limits) in UTF-8 bytes: ASCII-only
// fields 1 byte per character, free text up to 3 bytes per UTF-16 unit.
const MAX_BYTES: Record<string, number> = {
  email: 254,
  loginId: 254,
  userId: 36,
  displayName: 600,
};
const CUSTOM_ATTRIBUTE_MAX_BYTES = 1024 * 3;

/** The most attribute data a mapping can produce (names and values, UTF-8 bytes). */
export function googleAttributeBytes(
  attributes: readonly { name: string; source: string }[],
): number {
  return attributes.reduce((sum, a) => {
    const value =
      a.source === 'groups' ? Infinity : (MAX_BYTES[a.source] ?? CUSTOM_ATTRIBUTE_MAX_BYTES);
    return sum + Buffer.byteLength(a.name) + value;
  }, 0);
}

function parseInput(raw: unknown): Required<GoogleWorkspaceInput> {
  const r = inputRecord(raw, ['domain', 'domainSpecificIssuer', 'attributes']);
  const problems: FieldProblem[] = [];
  const domain = domainName(r.domain, 'domain', problems);
  const domainSpecificIssuer = optionalBoolean(
    r.domainSpecificIssuer,
    'domainSpecificIssuer',
    problems,
  );
  const attributes = (r.attributes ?? []) as GoogleWorkspaceInput['attributes'];
  if (!Array.isArray(attributes)) problems.push({ field: 'attributes', message: 'must be a list' });
  else if (googleAttributeBytes(attributes) > GOOGLE_ATTRIBUTE_LIMIT_BYTES)
    problems.push({
      field: 'attributes',
      message: `could exceed Google's ${GOOGLE_ATTRIBUTE_LIMIT_BYTES}-byte attribute limit (groups and custom attributes are unbounded)`,
    });
  throwIfAny(problems);
  return { domain, domainSpecificIssuer, attributes: attributes ?? [] };
}

/**
 * @example
 * googleWorkspacePreset({ domain: 'example.com' }).acs[0].url // 'https://www.google.com/a/example.com/acs'
 */
export function googleWorkspacePreset(raw: GoogleWorkspaceInput | unknown): SamlSpConfig {
  const input = parseInput(raw);
  return samlSpSpec.validate({
    entityId: input.domainSpecificIssuer ? `google.com/a/${input.domain}` : 'google.com',
    acs: [
      {
        url: `https://www.google.com/a/${input.domain}/acs`,
        binding: 'HTTP-POST',
        index: 0,
        isDefault: true,
      },
    ],
    signResponse: true,
    signAssertion: true,
    encryptAssertion: false,
    nameIdFormat: 'emailAddress',
    nameIdSource: 'email',
    attributes: input.attributes.map(({ name, source }) => ({ name, source })),
    relayStateMaxBytes: RELAY_STATE_MAX_BYTES,
    allowIdpInitiated: true,
  });
}

/** The values an admin enters in Google's Admin console, Security > SSO with third-party IdP. */
export interface GoogleSettings {
  signInPageUrl: string;
  signOutPageUrl: string;
  changePasswordUrl: string;
  idpEntityId: string;
  verificationCertificatePem: string;
  /** A second certificate to upload during key rotation (Google accepts two). */
  nextVerificationCertificatePem?: string;
  warnings: string[];
}

/**
 * @param certificates the tenant's published SAML certificates, the active one first.
 */
export function googleSettings(
  urls: TenantUrls,
  certificates: string | readonly string[],
): GoogleSettings {
  const [active, next] = typeof certificates === 'string' ? [certificates] : certificates;
  const warnings: string[] = [];
  // "All URLs must be entered and must use HTTPS" (https://support.google.com/a/answer/6349809).
  if (!urls.publicUrl.startsWith('https://'))
    warnings.push('Google accepts only https URLs: set PUBLIC_URL to an https address.');
  return {
    signInPageUrl: urls.samlSsoUrl,
    signOutPageUrl: urls.signOutUrl,
    changePasswordUrl: urls.passwordChangeUrl,
    idpEntityId: urls.samlEntityId,
    verificationCertificatePem: active ?? '',
    ...(next && { nextVerificationCertificatePem: next }),
    warnings,
  };
}
