/**
 * End to end: Microsoft 365 registered from its SAML preset, signing in through an emulated
 * Entra ID. Entra cannot run here, so the test sends the AuthnRequest Microsoft documents
 * (HTTP-POST, issuer urn:federation:MicrosoftOnline, NameIDPolicy persistent; no ACS URL) and
 * checks the Response as that page describes it
 * (https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/how-to-connect-fed-saml-idp):
 * the Assertion signed with the certificate given to New-MgDomainFederationConfiguration,
 * Issuer = its IssuerUri, NameID persistent = ImmutableID, IDPEmail = UPN, Recipient and
 * Destination login.srf, Audience urn:federation:MicrosoftOnline, never encrypted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { hashPassword } from '@sekisho/platform';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import { createIdpServices, type IdpServices } from '../src/services.ts';
import { PRESETS } from '../src/presets/preset-registry.ts';
import { tenantUrls } from '../src/presets/tenant-urls.ts';
import {
  followSignIn,
  formFields,
  kids,
  only,
  pem,
  verifySignature,
} from './support/federation-test-kit.ts';
import { M365 } from './support/wsfed-entra-emulator.ts';

const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
const A = 'urn:oasis:names:tc:SAML:2.0:assertion';

function entraAuthnRequest(id: string): string {
  const xml =
    `<samlp:AuthnRequest ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" xmlns:samlp="${P}">` +
    `<Issuer xmlns="${A}">${M365.realm}</Issuer>` +
    `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"/></samlp:AuthnRequest>`;
  return Buffer.from(xml).toString('base64');
}

describe('Microsoft 365 SAML preset, end to end', () => {
  let t: TestApp;
  let seeded: SeededTenant;
  let services: IdpServices;
  const input = { domain: 'example.com' };

  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    seeded = await seedTenant(t.platform, 'acme');
    services = createIdpServices(t.platform);
    await t.platform.users.create(
      seeded.tenant.id,
      {
        loginId: 'taro@acme.example',
        displayName: 'Taro',
        email: 'taro@example.com',
        attributes: { immutableId: 'ABCDEG1234567890' },
      },
      await hashPassword(TEST_PASSWORD),
    );
    const preset = PRESETS['microsoft-365-saml'];
    await services.apps.create(seeded.tenant.id, preset.spec, 'Microsoft 365', preset.build(input));
  });
  after(() => t.close());

  test('an emulated Entra ID accepts the Response for the ImmutableID and UPN', async () => {
    const published = await services.keys.published(seeded.tenant.id, 'saml');
    const settings = PRESETS['microsoft-365-saml'].settings({
      urls: tenantUrls(t.platform.config.publicUrl, 'acme'),
      certificates: published.map((k) => k.certificatePem!),
      input,
    });
    const requestId = `_${randomBytes(16).toString('hex')}`;
    const b = new TestBrowser(t.app);
    const path = new URL(settings.passiveSignInUri).pathname;
    const first = await b.post(path, { SAMLRequest: entraAuthnRequest(requestId) });
    assert.notEqual(first.statusCode, 404, 'the SAML SSO endpoint answers');
    const res = await followSignIn(b, first, 'taro@acme.example');
    assert.equal(res.statusCode, 200);

    const { action, fields } = formFields(res.body);
    assert.equal(action, M365.loginSrf);
    const xml = Buffer.from(fields.SAMLResponse!, 'base64').toString('utf8');
    const response = new DOMParser().parseFromString(xml, 'application/xml').documentElement!;
    assert.equal(response.getAttribute('Destination'), M365.loginSrf);
    assert.equal(response.getAttribute('InResponseTo'), requestId);
    assert.equal(kids(response, A, 'EncryptedAssertion').length, 0);
    const assertion = only(response, [A, 'Assertion']);
    // The certificate as the admin gave it to New-MgDomainFederationConfiguration.
    verifySignature(xml, assertion, 'ID', [pem(settings.signingCertificate)]);
    assert.equal(only(assertion, [A, 'Issuer']).textContent, settings.issuerUri);
    const nameId = only(assertion, [A, 'Subject'], [A, 'NameID']);
    assert.equal(
      nameId.getAttribute('Format'),
      'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    );
    assert.equal(nameId.textContent, 'ABCDEG1234567890');
    const data = only(
      assertion,
      [A, 'Subject'],
      [A, 'SubjectConfirmation'],
      [A, 'SubjectConfirmationData'],
    );
    assert.equal(data.getAttribute('Recipient'), M365.loginSrf);
    assert.equal(data.getAttribute('InResponseTo'), requestId);
    const audience = only(
      assertion,
      [A, 'Conditions'],
      [A, 'AudienceRestriction'],
      [A, 'Audience'],
    );
    assert.equal(audience.textContent, M365.realm);
    const idpEmail = kids(only(assertion, [A, 'AttributeStatement']), A, 'Attribute');
    assert.deepEqual(
      idpEmail.map((a) => [a.getAttribute('Name'), only(a, [A, 'AttributeValue']).textContent]),
      [['IDPEmail', 'taro@example.com']],
    );
    const classRef = only(
      assertion,
      [A, 'AuthnStatement'],
      [A, 'AuthnContext'],
      [A, 'AuthnContextClassRef'],
    );
    assert.notEqual(
      classRef.textContent,
      'http://schemas.microsoft.com/claims/multipleauthn',
      'no MFA was done',
    );
  });
});
