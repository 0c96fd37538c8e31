/**
 * Test plumbing for SAML: node-saml (@node-saml/node-saml, an independent SP library) plays
 * the service provider against the in-process app. The browser (TestBrowser) carries the
 * messages: we read the auto-submitting POST form Sekisho renders and hand its fields to
 * node-saml, as a real browser would post them to the SP.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { SAML, type SamlConfig } from '@node-saml/node-saml';
import type { LightMyRequestResponse } from 'fastify';
import { createIdpServices } from '@sekisho/idp';
import type { TestBrowser } from '../../../gateway/test/support/browser.ts';
import { TEST_PASSWORD, type TestApp } from '../../../gateway/test/support/test-app.ts';
import { samlSpSpec } from '../../src/saml/sp-config.ts';

export const PUBLIC = 'https://sekisho.test';
export const SSO = `${PUBLIC}/t/acme/saml/sso`;
export const SLO = `${PUBLIC}/t/acme/saml/slo`;
export const IDP_ENTITY_ID = `${PUBLIC}/t/acme/saml/metadata`;

export interface KeyPair {
  privateKeyPem: string;
  certificatePem: string;
}

/** A fresh RSA key and a self-signed certificate for it (made in setup, never recorded). */
export function makeKeyPair(cn = 'sp.test'): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer([{ name: 'commonName', value: cn }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return { privateKeyPem, certificatePem: forge.pki.certificateToPem(cert) };
}

/** Registers an SP through the idp services, as the admin API does. */
export async function registerSp(
  t: TestApp,
  tenantId: string,
  name: string,
  config: Record<string, unknown>,
) {
  return createIdpServices(t.platform).apps.create(tenantId, samlSpSpec, name, config);
}

/** The certificates in the IdP metadata (every published one during rotation overlap). */
export async function idpCertificates(t: TestApp): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: '/t/acme/saml/metadata' });
  assert.equal(res.statusCode, 200);
  return [...res.body.matchAll(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/g)].map(
    (m) => m[1]!,
  );
}

/** A node-saml SP for `entityId` trusting the IdP's metadata certificates. */
export async function nodeSamlSp(
  t: TestApp,
  entityId: string,
  options: Partial<SamlConfig> = {},
): Promise<SAML> {
  return new SAML({
    idpCert: await idpCertificates(t),
    issuer: entityId,
    callbackUrl: `${entityId}/acs`,
    entryPoint: SSO,
    logoutUrl: SLO,
    idpIssuer: IDP_ENTITY_ID,
    audience: entityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: true,
    validateInResponseTo: 'always' as SamlConfig['validateInResponseTo'],
    ...options,
  });
}

const unescape = (v: string) =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

export interface PostedForm {
  action: string;
  fields: Record<string, string>;
}

/** The auto-submitting form of a page, or undefined when the page has none. */
export function postFormOf(res: LightMyRequestResponse): PostedForm | undefined {
  const form = /<form id="saml-post" method="post" action="([^"]*)">/.exec(res.body);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const m of res.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]!] = unescape(m[2]!);
  return { action: unescape(form[1]!), fields };
}

/** Path and query of an absolute Sekisho URL. */
export const pathOf = (url: string) => url.replace(PUBLIC, '');

/** Follows 303s inside Sekisho; signs in with `loginId` when the login page comes up. */
export async function browse(
  b: TestBrowser,
  first: LightMyRequestResponse,
  loginId?: string,
): Promise<LightMyRequestResponse> {
  let res = first;
  for (let hop = 0; hop < 8 && res.statusCode === 303; hop++) {
    const location = String(res.headers.location);
    if (!location.startsWith('/')) return res;
    const login = /^\/t\/acme\/login\?return=(.*)$/.exec(location);
    if (login && loginId) {
      const csrf = await b.csrfFrom(location);
      res = await b.post('/t/acme/login', {
        _csrf: csrf,
        loginId,
        password: TEST_PASSWORD,
        return: decodeURIComponent(login[1]!),
      });
    } else res = await b.get(location);
  }
  return res;
}

/** The base64 SAMLResponse decoded. */
export const responseXml = (form: PostedForm) =>
  Buffer.from(form.fields.SAMLResponse!, 'base64').toString('utf8');
