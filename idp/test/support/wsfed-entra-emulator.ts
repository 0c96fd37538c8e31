/**
 * An emulated Microsoft Entra ID relying party for WS-Federation tests: reads the auto-post
 * form the IdP returns and accepts the token only if it meets what Microsoft publishes for a
 * federated domain (see wsfed.test.ts for the sources). Signatures are verified with
 * xml-crypto against certificates read from the IdP's signed federation metadata.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { DOMParser } from '@xmldom/xmldom';
import { formFields, kids, only, pem, verifySignature } from './federation-test-kit.ts';

export const M365 = {
  realm: 'urn:federation:MicrosoftOnline',
  loginSrf: 'https://login.microsoftonline.com/login.srf',
} as const;

const NS = {
  t: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
  saml: 'urn:oasis:names:tc:SAML:1.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
};

/** The signing certificates (PEM) of verified federation metadata with the given entityID. */
export async function metadataCertificates(
  app: FastifyInstance,
  url: string,
  entityId: string,
): Promise<string[]> {
  const res = await app.inject({ method: 'GET', url });
  assert.equal(res.statusCode, 200);
  const root = new DOMParser().parseFromString(res.body, 'application/xml').documentElement!;
  assert.equal(root.getAttribute('entityID'), entityId);
  const role = only(root, [NS.md, 'RoleDescriptor']);
  assert.equal(
    role.getAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'type'),
    'fed:SecurityTokenServiceType',
  );
  const b64 = kids(role, NS.md, 'KeyDescriptor')
    .filter((k) => k.getAttribute('use') === 'signing')
    .map(
      (k) =>
        only(k, [NS.ds, 'KeyInfo'], [NS.ds, 'X509Data'], [NS.ds, 'X509Certificate']).textContent ??
        '',
    );
  assert.ok(b64.length >= 1, 'at least one signing certificate');
  verifySignature(res.body, root, 'ID', b64.map(pem));
  return b64.map(pem);
}

export interface EntraView {
  wctx: string | undefined;
  assertionId: string;
  nameIdentifier: string;
  claims: Record<string, string>;
  authenticationMethod: string;
  notBefore: number;
  notOnOrAfter: number;
}

export function entraReceives(
  res: LightMyRequestResponse,
  trust: { issuerUri: string; certificates: string[]; now: number },
): EntraView {
  assert.equal(res.statusCode, 200);
  const { action, fields } = formFields(res.body);
  assert.equal(action, M365.loginSrf);
  assert.equal(fields.wa, 'wsignin1.0');
  const rstr = new DOMParser().parseFromString(fields.wresult!, 'application/xml').documentElement!;
  assert.equal(rstr.namespaceURI, NS.t);
  assert.equal(rstr.localName, 'RequestSecurityTokenResponse');
  const a = only(rstr, [NS.t, 'RequestedSecurityToken'], [NS.saml, 'Assertion']);
  verifySignature(fields.wresult!, a, 'AssertionID', trust.certificates);
  assert.equal(a.getAttribute('MajorVersion'), '1');
  assert.equal(a.getAttribute('MinorVersion'), '1');
  assert.equal(a.getAttribute('Issuer'), trust.issuerUri);
  const conditions = only(a, [NS.saml, 'Conditions']);
  const audience = only(
    conditions,
    [NS.saml, 'AudienceRestrictionCondition'],
    [NS.saml, 'Audience'],
  );
  assert.equal(audience.textContent, M365.realm);
  const notBefore = Date.parse(conditions.getAttribute('NotBefore')!);
  const notOnOrAfter = Date.parse(conditions.getAttribute('NotOnOrAfter')!);
  assert.ok(notBefore <= trust.now + 5 * 60_000 && trust.now < notOnOrAfter, 'valid now');
  const statement = only(a, [NS.saml, 'AttributeStatement']);
  const nameId = only(statement, [NS.saml, 'Subject'], [NS.saml, 'NameIdentifier']);
  assert.equal(
    nameId.getAttribute('Format'),
    'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  );
  const claims: Record<string, string> = {};
  const namespaces: Record<string, string> = {};
  for (const attr of kids(statement, NS.saml, 'Attribute')) {
    const name = attr.getAttribute('AttributeName')!;
    claims[name] = only(attr, [NS.saml, 'AttributeValue']).textContent ?? '';
    namespaces[name] = attr.getAttribute('AttributeNamespace')!;
  }
  assert.equal(namespaces.UPN, 'http://schemas.xmlsoap.org/claims');
  assert.equal(namespaces.ImmutableID, 'http://schemas.microsoft.com/LiveID/Federation/2008/05');
  const authn = only(a, [NS.saml, 'AuthenticationStatement']);
  assert.equal(
    only(authn, [NS.saml, 'Subject'], [NS.saml, 'NameIdentifier']).textContent,
    nameId.textContent,
  );
  return {
    wctx: fields.wctx,
    assertionId: a.getAttribute('AssertionID')!,
    nameIdentifier: nameId.textContent ?? '',
    claims,
    authenticationMethod: authn.getAttribute('AuthenticationMethod') ?? '',
    notBefore,
    notOnOrAfter,
  };
}
