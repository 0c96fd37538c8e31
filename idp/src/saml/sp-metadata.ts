/**
 * Registers an SP from its SAML metadata (SAML metadata §2.4.4 SPSSODescriptor): reads the
 * entityID, HTTP-POST AssertionConsumerService endpoints, the SingleLogoutService
 * (HTTP-Redirect preferred, then HTTP-POST), the signing and encryption certificates,
 * AuthnRequestsSigned and WantAssertionsSigned, and the first NameIDFormat we support.
 * The result is raw input for `samlSpSpec.validate`, merged with the admin's choices
 * (NameID source, attributes); nothing here is trusted until that validation passes.
 * The metadata's own signature is not checked: the admin vouches for the file or URL.
 */
import type { Element } from '@xmldom/xmldom';
import { ValidationError } from '@sekisho/platform';
import { BINDING, NAMEID_FORMAT, NS, type NameIdFormat } from './saml-constants.ts';
import { parseSafeXml } from './safe-xml.ts';
import { isSamlError } from './saml-error.ts';

export const MAX_METADATA_BYTES = 512 * 1024;

export interface SpMetadataConfig {
  entityId: string;
  acs: { url: string; binding: 'HTTP-POST'; index: number; isDefault: boolean }[];
  slo?: { url: string; responseUrl?: string; binding: 'HTTP-Redirect' | 'HTTP-POST' };
  signingCertificates: string[];
  encryptionCertificate?: string;
  requireSignedAuthnRequests?: boolean;
  signAssertion?: boolean;
  nameIdFormat?: NameIdFormat;
}

const invalid = (message: string) => new ValidationError([{ field: 'metadata', message }]);

function children(parent: Element, ns: string, name: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (n): n is Element =>
      n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns,
  );
}

function spDescriptor(root: Element): { entity: Element; sp: Element } {
  const entities =
    root.localName === 'EntitiesDescriptor'
      ? children(root, NS.metadata, 'EntityDescriptor')
      : [root];
  const found = entities.flatMap((entity) =>
    entity.localName === 'EntityDescriptor' && entity.namespaceURI === NS.metadata
      ? children(entity, NS.metadata, 'SPSSODescriptor').map((sp) => ({ entity, sp }))
      : [],
  );
  if (found.length !== 1) throw invalid('must describe exactly one SAML 2.0 service provider');
  return found[0]!;
}

function certificates(sp: Element, use: 'signing' | 'encryption'): string[] {
  return children(sp, NS.metadata, 'KeyDescriptor')
    .filter((k) => !k.getAttribute('use') || k.getAttribute('use') === use)
    .flatMap((k) => Array.from(k.getElementsByTagNameNS(NS.dsig, 'X509Certificate')))
    .map((c) => (c.textContent ?? '').replace(/\s+/g, ''))
    .filter(Boolean);
}

function sloEndpoint(sp: Element): SpMetadataConfig['slo'] {
  const all = children(sp, NS.metadata, 'SingleLogoutService');
  const pick =
    all.find((s) => s.getAttribute('Binding') === BINDING.redirect) ??
    all.find((s) => s.getAttribute('Binding') === BINDING.post);
  if (!pick) return undefined;
  const responseUrl = pick.getAttribute('ResponseLocation');
  return {
    url: pick.getAttribute('Location') ?? '',
    binding: pick.getAttribute('Binding') === BINDING.redirect ? 'HTTP-Redirect' : 'HTTP-POST',
    ...(responseUrl && { responseUrl }),
  };
}

function flag(value: string | null): boolean | undefined {
  return value === 'true' || value === '1'
    ? true
    : value === 'false' || value === '0'
      ? false
      : undefined;
}

/** Reads SP metadata XML into raw SP configuration input. */
export function parseSpMetadata(xml: string): SpMetadataConfig {
  let root: Element;
  try {
    root = parseSafeXml(xml, MAX_METADATA_BYTES).documentElement!;
  } catch (err) {
    throw isSamlError(err) ? invalid(err.message) : err;
  }
  const { entity, sp } = spDescriptor(root);
  if (!(sp.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(NS.protocol))
    throw invalid('the SPSSODescriptor does not support SAML 2.0');
  const acs = children(sp, NS.metadata, 'AssertionConsumerService')
    .filter((a) => a.getAttribute('Binding') === BINDING.post)
    .map((a, i) => ({
      url: a.getAttribute('Location') ?? '',
      binding: 'HTTP-POST' as const,
      index: Number(a.getAttribute('index') ?? i),
      isDefault: a.getAttribute('isDefault') === 'true',
    }));
  if (!acs.length) throw invalid('has no HTTP-POST AssertionConsumerService');
  const formats = children(sp, NS.metadata, 'NameIDFormat').map((f) =>
    (f.textContent ?? '').trim(),
  );
  const nameIdFormat = (Object.keys(NAMEID_FORMAT) as NameIdFormat[]).find((k) =>
    formats.includes(NAMEID_FORMAT[k]),
  );
  const requireSigned = flag(sp.getAttribute('AuthnRequestsSigned'));
  const wantSigned = flag(sp.getAttribute('WantAssertionsSigned'));
  const slo = sloEndpoint(sp);
  const [encryptionCertificate] = certificates(sp, 'encryption');
  return {
    entityId: entity.getAttribute('entityID') ?? '',
    acs,
    signingCertificates: certificates(sp, 'signing'),
    ...(slo && { slo }),
    ...(encryptionCertificate && { encryptionCertificate }),
    ...(requireSigned !== undefined && { requireSignedAuthnRequests: requireSigned }),
    ...(wantSigned && { signAssertion: true }),
    ...(nameIdFormat && { nameIdFormat }),
  };
}
