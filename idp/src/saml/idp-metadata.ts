/**
 * The IdP metadata document of a tenant (SAML metadata §2.4.3 IDPSSODescriptor). Every
 * published signing certificate is listed — the active one first, then those still in their
 * rotation overlap — so an SP that refreshes metadata accepts assertions signed before and
 * after a rotation. Elements follow the schema's order: KeyDescriptor*, SingleLogoutService*,
 * NameIDFormat*, SingleSignOnService+.
 */
import { BINDING, NAMEID_FORMAT, NS } from './saml-constants.ts';
import { escapeXml } from './escape-xml.ts';
import type { IdpEndpoints } from './idp-endpoints.ts';

/** The base64 body of a PEM certificate, as X509Certificate carries it. */
export function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

export function buildIdpMetadata(
  endpoints: IdpEndpoints,
  certificatesPem: readonly string[],
): string {
  const keys = certificatesPem
    .map(
      (pem) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${escapeXml(pemBody(pem))}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join('');
  const service = (element: string, url: string) =>
    [BINDING.redirect, BINDING.post]
      .map((b) => `<md:${element} Binding="${b}" Location="${escapeXml(url)}"/>`)
      .join('');
  const formats = Object.values(NAMEID_FORMAT)
    .map((f) => `<md:NameIDFormat>${f}</md:NameIDFormat>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.dsig}" entityID="${escapeXml(endpoints.entityId)}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${NS.protocol}">` +
    keys +
    service('SingleLogoutService', endpoints.slo) +
    formats +
    service('SingleSignOnService', endpoints.sso) +
    `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
  );
}
