/**
 * Vendor presets: each value is the one Google or Microsoft documents (sources in
 * idp/src/presets/*.ts and shared/reference/saml-sp-requirements.md), the settings the admin
 * copies carry the right URLs and certificate, and the PowerShell command names every
 * parameter Entra needs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { ValidationError } from '@sekisho/platform';
import { samlSpSpec } from '../src/saml/sp-config.ts';
import { wsfedRpSpec } from '../src/wsfed/rp-config.ts';
import { PRESETS, isPresetId } from '../src/presets/preset-registry.ts';
import {
  googleAttributeBytes,
  googleSettings,
  googleWorkspacePreset,
} from '../src/presets/google-workspace.ts';
import { microsoft365Preset, microsoft365WsFedPreset } from '../src/presets/microsoft-365.ts';
import { microsoftSettings } from '../src/presets/microsoft-settings.ts';
import { tenantUrls } from '../src/presets/tenant-urls.ts';
import { testSigningKey } from './support/federation-test-kit.ts';

const urls = tenantUrls('https://id.example.jp/', 'acme');
const CERT_A = testSigningKey('a').certificatePem;
const CERT_B = testSigningKey('b').certificatePem;
const fields = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.problems.map((p) => p.field);
  }
  assert.fail('expected a ValidationError');
};

describe('Google Workspace preset', () => {
  test('builds the SP Google documents: issuer, ACS, e-mail NameID, signed, never encrypted', () => {
    const c = googleWorkspacePreset({ domain: 'Example.COM' });
    assert.equal(c.entityId, 'google.com');
    assert.deepEqual(c.acs, [
      {
        url: 'https://www.google.com/a/example.com/acs',
        binding: 'HTTP-POST',
        index: 0,
        isDefault: true,
      },
    ]);
    assert.equal(c.nameIdFormat, 'emailAddress');
    assert.equal(c.nameIdSource, 'email');
    assert.equal(c.signResponse, true);
    assert.equal(c.signAssertion, true);
    assert.equal(c.encryptAssertion, false);
    assert.deepEqual(c.attributes, []);
    assert.deepEqual(samlSpSpec.validate(c), c, 'the saved form is what the SAML spec accepts');
    assert.equal(
      googleWorkspacePreset({ domain: 'example.com', domainSpecificIssuer: true }).entityId,
      'google.com/a/example.com',
    );
  });

  test('refuses an attribute mapping that could exceed 2 kB of attribute data', () => {
    const ok = [
      { name: 'mail', source: 'email' as const },
      { name: 'displayName', source: 'displayName' as const },
    ];
    assert.ok(googleAttributeBytes(ok) <= 2048);
    assert.equal(
      googleWorkspacePreset({ domain: 'example.com', attributes: ok }).attributes.length,
      2,
    );
    for (const attributes of [
      [{ name: 'groups', source: 'groups' }],
      [{ name: 'employeeNumber', source: 'attr:employeeNumber' }],
      Array.from({ length: 9 }, (_, i) => ({ name: `mail${i}`, source: 'email' })),
    ])
      assert.deepEqual(
        fields(() => googleWorkspacePreset({ domain: 'example.com', attributes })),
        ['attributes'],
      );
  });

  test('refuses a bad domain and unknown inputs, naming them', () => {
    assert.deepEqual(
      fields(() => googleWorkspacePreset({ domain: 'example' })),
      ['domain'],
    );
    assert.deepEqual(
      fields(() => googleWorkspacePreset({ domain: 'a.example', acs: 'x' })),
      ['acs'],
    );
  });

  test('settings: the values for the Admin console SSO profile', () => {
    const s = googleSettings(urls, [CERT_A, CERT_B]);
    assert.deepEqual(s, {
      signInPageUrl: 'https://id.example.jp/t/acme/saml/sso',
      signOutPageUrl: 'https://id.example.jp/t/acme/wsfed?wa=wsignout1.0',
      changePasswordUrl: 'https://id.example.jp/t/acme/password/change',
      idpEntityId: 'https://id.example.jp/t/acme/saml/metadata',
      verificationCertificatePem: CERT_A,
      nextVerificationCertificatePem: CERT_B,
      warnings: [],
    });
    assert.match(
      googleSettings(tenantUrls('http://localhost:8443', 'acme'), CERT_A).warnings[0]!,
      /https/,
    );
  });
});

describe('Microsoft 365 presets', () => {
  test('SAML: urn:federation:MicrosoftOnline, login.srf, persistent ImmutableID, IDPEmail, MFA class', () => {
    const c = microsoft365Preset({ domain: 'example.com' });
    assert.equal(c.entityId, 'urn:federation:MicrosoftOnline');
    assert.equal(c.acs[0]?.url, 'https://login.microsoftonline.com/login.srf');
    assert.equal(c.nameIdFormat, 'persistent');
    assert.equal(c.nameIdSource, 'attr:immutableId');
    assert.deepEqual(c.attributes, [{ name: 'IDPEmail', source: 'email' }]);
    assert.equal(c.signAssertion, true);
    assert.equal(c.encryptAssertion, false);
    assert.equal(c.authnContextMfa, 'http://schemas.microsoft.com/claims/multipleauthn');
    assert.deepEqual(samlSpSpec.validate(c), c);
    const custom = microsoft365Preset({
      domain: 'example.com',
      immutableIdAttribute: 'objectGuid',
      upnSource: 'loginId',
    });
    assert.equal(custom.nameIdSource, 'attr:objectGuid');
    assert.deepEqual(custom.attributes, [{ name: 'IDPEmail', source: 'loginId' }]);
  });

  test('WS-Federation: the relying party Entra is', () => {
    const c = microsoft365WsFedPreset({ domain: 'example.com' });
    assert.equal(c.realm, 'urn:federation:MicrosoftOnline');
    assert.deepEqual(c.replyUrls, ['https://login.microsoftonline.com/login.srf']);
    assert.equal(c.nameIdSource, 'attr:immutableId');
    assert.equal(c.upnSource, 'email');
    assert.deepEqual(wsfedRpSpec.validate(c), c);
  });

  test('the default *.onmicrosoft.com domain cannot be federated', () => {
    assert.deepEqual(
      fields(() => microsoft365Preset({ domain: 'contoso.onmicrosoft.com' })),
      ['domain'],
    );
    assert.deepEqual(
      fields(() => microsoft365WsFedPreset({ domain: 'example.com', immutableIdAttribute: '1x' })),
      ['immutableIdAttribute'],
    );
  });

  for (const protocol of ['wsFed', 'saml'] as const)
    test(`settings (${protocol}): a PowerShell command naming every required parameter`, () => {
      const s = microsoftSettings({
        urls,
        certificates: [CERT_A, CERT_B],
        input: { domain: 'example.com' },
        protocol,
      });
      const der = (pem: string) => new X509Certificate(pem).raw.toString('base64');
      assert.equal(s.signingCertificate, der(CERT_A));
      assert.equal(s.nextSigningCertificate, der(CERT_B));
      const expected =
        protocol === 'wsFed'
          ? [
              'https://id.example.jp/t/acme/wsfed',
              'https://id.example.jp/t/acme/wsfed',
              'https://id.example.jp/t/acme/wsfed',
            ]
          : [
              'https://id.example.jp/t/acme/saml/metadata',
              'https://id.example.jp/t/acme/saml/sso',
              'https://id.example.jp/t/acme/saml/slo',
            ];
      assert.deepEqual([s.issuerUri, s.passiveSignInUri, s.signOutUri], expected);
      assert.match(s.powershell, /^Connect-MgGraph -Scopes 'Domain\.ReadWrite\.All'/);
      for (const [param, value] of Object.entries({
        DomainId: 'example.com',
        IssuerUri: s.issuerUri,
        PassiveSignInUri: s.passiveSignInUri,
        SignOutUri: s.signOutUri,
        SigningCertificate: der(CERT_A),
        NextSigningCertificate: der(CERT_B),
        PreferredAuthenticationProtocol: protocol,
        FederatedIdpMfaBehavior: 'acceptIfMfaDoneByFederatedIdp',
      }))
        assert.ok(s.powershell.includes(`-${param} '${value}'`), `names -${param}`);
      assert.match(s.powershell, /New-MgDomainFederationConfiguration `\n/);
      assert.doesNotMatch(s.powershell, /Update-MgDomain/);
      assert.equal(
        s.rollbackPowershell,
        "Update-MgDomain -DomainId 'example.com' -AuthenticationType 'Managed'",
      );
      assert.ok(s.warnings.some((w) => w.includes('onmicrosoft.com')));
    });
});

describe('preset registry', () => {
  test('each preset builds a config its kind accepts and describes the other side', () => {
    assert.deepEqual(Object.keys(PRESETS), [
      'google-workspace',
      'microsoft-365-saml',
      'microsoft-365-wsfed',
    ]);
    assert.ok(isPresetId('google-workspace') && !isPresetId('toString'));
    for (const [id, preset] of Object.entries(PRESETS)) {
      const input = { domain: 'example.com' };
      const config = preset.build(input);
      assert.equal(preset.spec.kind, preset.kind, id);
      assert.deepEqual((preset.spec.validate as (c: unknown) => unknown)(config), config, id);
      const settings = preset.settings({ urls, certificates: [CERT_A], input });
      assert.ok(Array.isArray(settings.warnings), id);
    }
  });
});
