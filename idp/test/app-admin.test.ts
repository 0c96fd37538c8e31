/**
 * Registering applications through the admin API: presets give exactly the vendor values and
 * the settings the admin enters on the vendor's side; SAML SPs from metadata; bad input is
 * refused with the field named and nothing saved; roles apply.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';

const SP_METADATA = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://wiki.acme.example/saml">
  <md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://wiki.acme.example/saml/acs" index="0" isDefault="true"/>
  </md:SPSSODescriptor>
</md:EntityDescriptor>`;

describe('applications admin API', () => {
  let t: TestApp;
  let s: SeededTenant;
  const post = (payload: Record<string, unknown>, token = s.token) =>
    t.app.inject({
      method: 'POST',
      url: '/api/tenants/acme/applications',
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://id.acme.test' });
    s = await seedTenant(t.platform, 'acme');
  });
  after(() => t.close());

  test('the Google Workspace preset sets Google values and shows the SSO profile settings', async () => {
    const res = await post({
      kind: 'saml',
      name: 'Google Workspace',
      preset: 'google-workspace',
      presetInput: { domain: 'acme.example' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const app = res.json<{
      identifier: string;
      config: Record<string, unknown>;
      settings: Record<string, string>;
    }>();
    assert.equal(app.identifier, 'google.com');
    assert.deepEqual(
      (app.config.acs as { url: string }[])[0]!.url,
      'https://www.google.com/a/acme.example/acs',
    );
    assert.equal(app.config.encryptAssertion, false);
    assert.equal(app.settings.signInPageUrl, 'https://id.acme.test/t/acme/saml/sso');
    assert.equal(app.settings.changePasswordUrl, 'https://id.acme.test/t/acme/password/change');
    assert.match(app.settings.verificationCertificatePem!, /BEGIN CERTIFICATE/);
  });

  test('the Microsoft 365 WS-Federation preset gives the PowerShell command and warns about the default domain', async () => {
    const res = await post({
      kind: 'wsfed',
      name: 'Microsoft 365',
      preset: 'microsoft-365-wsfed',
      presetInput: { domain: 'acme.example' },
    });
    assert.equal(res.statusCode, 201, res.body);
    const { settings, identifier } = res.json<{
      identifier: string;
      settings: { powershell: string; warnings: string[] };
    }>();
    assert.equal(identifier, 'urn:federation:MicrosoftOnline');
    for (const p of [
      'New-MgDomainFederationConfiguration',
      '-DomainId',
      '-IssuerUri',
      '-PassiveSignInUri',
      '-SignOutUri',
      '-SigningCertificate',
      '-PreferredAuthenticationProtocol',
    ]) {
      assert.ok(settings.powershell.includes(p), p);
    }
    assert.ok(settings.warnings.some((w) => /onmicrosoft\.com/.test(w)));
  });

  test('a SAML SP registers from its metadata; the IdP settings are listed', async () => {
    const res = await post({ kind: 'saml', name: 'Wiki', metadataXml: SP_METADATA });
    assert.equal(res.statusCode, 201, res.body);
    const app = res.json<{ identifier: string; settings: Record<string, unknown> }>();
    assert.equal(app.identifier, 'https://wiki.acme.example/saml');
    assert.equal(app.settings.entityId, 'https://id.acme.test/t/acme/saml/metadata');
    const dup = await post({ kind: 'saml', name: 'Wiki again', metadataXml: SP_METADATA });
    assert.equal(dup.statusCode, 409);
  });

  test('bad input names the field and saves nothing; a read-only admin cannot register', async () => {
    const before = (
      await t.app.inject({
        url: '/api/tenants/acme/applications',
        headers: { authorization: `Bearer ${s.token}` },
      })
    ).json<unknown[]>().length;
    const badPreset = await post({ kind: 'saml', name: 'x', preset: 'nope' });
    assert.equal(badPreset.statusCode, 400);
    assert.match(badPreset.body, /preset/);
    const badUri = await post({
      kind: 'oidc',
      name: 'x',
      config: { redirectUris: ['http://evil.example/cb'] },
    });
    assert.equal(badUri.statusCode, 400);
    assert.match(badUri.body, /redirectUris\[0\]/);
    const badKind = await post({ kind: 'cas', name: 'x' });
    assert.equal(badKind.statusCode, 400);
    const { token } = await t.platform.tokens.create({
      tenantId: s.tenant.id,
      name: 'ro',
      role: 'read_only_admin',
    });
    assert.equal(
      (
        await post(
          { kind: 'oidc', name: 'x', config: { redirectUris: ['https://a.example/cb'] } },
          token,
        )
      ).statusCode,
      403,
    );
    const after = (
      await t.app.inject({
        url: '/api/tenants/acme/applications',
        headers: { authorization: `Bearer ${s.token}` },
      })
    ).json<unknown[]>().length;
    assert.equal(after, before);
  });
});
