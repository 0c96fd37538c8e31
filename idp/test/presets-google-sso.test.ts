/**
 * End to end: Google Workspace registered from its preset, signing in through an emulated
 * Google SP. Google cannot run here, so the test plays its part from Google's documentation
 * (https://support.google.com/a/answer/6330801, /6349809, /2463723): an AuthnRequest by
 * HTTP-Redirect from issuer google.com with its ACS URL and a long RelayState, then checks
 * what Google checks in the posted Response — signature by the certificate the admin uploaded
 * (googleSettings), NameID = the primary e-mail address, Destination and Recipient = the ACS,
 * Audience google.com, no encryption, RelayState unchanged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
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
  verifySignature,
} from './support/federation-test-kit.ts';

const ACS = 'https://www.google.com/a/example.com/acs';
const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
const A = 'urn:oasis:names:tc:SAML:2.0:assertion';
const RELAY_STATE =
  'https://www.google.com/a/example.com/ServiceLogin?service=mail&passive=true&rm=false&continue=https%3A%2F%2Fmail.google.com%2Fmail%2F&ss=1&ltmpl=default&ltmplcache=2&emr=1&osid=1';

function googleAuthnRequest(id: string): string {
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="${P}" ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" ` +
    `ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" ProviderName="google.com" IsPassive="false" ` +
    `AssertionConsumerServiceURL="${ACS}"><saml:Issuer xmlns:saml="${A}">google.com</saml:Issuer>` +
    `<samlp:NameIDPolicy AllowCreate="true" Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"/></samlp:AuthnRequest>`;
  return deflateRawSync(Buffer.from(xml)).toString('base64');
}

describe('Google Workspace preset, end to end', () => {
  let t: TestApp;
  let seeded: SeededTenant;
  let services: IdpServices;

  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    seeded = await seedTenant(t.platform, 'acme');
    services = createIdpServices(t.platform);
    await t.platform.users.create(
      seeded.tenant.id,
      { loginId: 'taro@acme.example', displayName: 'Taro', email: 'Taro.Yamada@example.com' },
      await hashPassword(TEST_PASSWORD),
    );
    const preset = PRESETS['google-workspace'];
    await services.apps.create(
      seeded.tenant.id,
      preset.spec,
      'Google Workspace',
      preset.build({ domain: 'example.com' }),
    );
  });
  after(() => t.close());

  test('an emulated Google SP accepts the Response for the primary e-mail address', async () => {
    const published = await services.keys.published(seeded.tenant.id, 'saml');
    const settings = PRESETS['google-workspace'].settings({
      urls: tenantUrls(t.platform.config.publicUrl, 'acme'),
      certificates: published.map((k) => k.certificatePem!),
      input: { domain: 'example.com' },
    });
    const requestId = `_${randomBytes(16).toString('hex')}`;
    const signIn = new URL(settings.signInPageUrl);
    signIn.search = new URLSearchParams({
      SAMLRequest: googleAuthnRequest(requestId),
      RelayState: RELAY_STATE,
    }).toString();
    const b = new TestBrowser(t.app);
    const first = await b.get(signIn.pathname + signIn.search);
    assert.notEqual(first.statusCode, 404, 'the SAML SSO endpoint answers');
    const res = await followSignIn(b, first, 'taro@acme.example');
    assert.equal(res.statusCode, 200);

    const { action, fields } = formFields(res.body);
    assert.equal(action, ACS);
    assert.equal(fields.RelayState, RELAY_STATE);
    const xml = Buffer.from(fields.SAMLResponse!, 'base64').toString('utf8');
    const response = new DOMParser().parseFromString(xml, 'application/xml').documentElement!;
    assert.equal(response.localName, 'Response');
    assert.equal(response.getAttribute('Destination'), ACS);
    assert.equal(response.getAttribute('InResponseTo'), requestId);
    assert.equal(kids(response, A, 'EncryptedAssertion').length, 0, 'never encrypted');
    const trusted = [settings.verificationCertificatePem];
    verifySignature(xml, response, 'ID', trusted);
    const assertion = only(response, [A, 'Assertion']);
    verifySignature(xml, assertion, 'ID', trusted);
    assert.equal(only(assertion, [A, 'Issuer']).textContent, settings.idpEntityId);
    const nameId = only(assertion, [A, 'Subject'], [A, 'NameID']);
    assert.equal(nameId.textContent, 'Taro.Yamada@example.com', 'the primary e-mail, case kept');
    assert.equal(
      nameId.getAttribute('Format'),
      'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    );
    const data = only(
      assertion,
      [A, 'Subject'],
      [A, 'SubjectConfirmation'],
      [A, 'SubjectConfirmationData'],
    );
    assert.equal(data.getAttribute('Recipient'), ACS);
    assert.equal(data.getAttribute('InResponseTo'), requestId);
    const audience = only(
      assertion,
      [A, 'Conditions'],
      [A, 'AudienceRestriction'],
      [A, 'Audience'],
    );
    assert.equal(audience.textContent, 'google.com');
    assert.equal(kids(assertion, A, 'AttributeStatement').length, 0, 'no attributes by default');
  });
});
