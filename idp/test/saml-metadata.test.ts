/**
 * The IdP metadata and the messages Sekisho signs are valid against the OASIS SAML schemas
 * (xmllint, offline), and key rotation keeps SPs working: during the overlap the metadata
 * lists both certificates, and a Response signed before the rotation still verifies against
 * the certificates the metadata publishes, as does one signed after.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdpServices } from '@sekisho/idp';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import { authnRequestXml, redirectPath } from './support/saml-requests.ts';
import { validateSamlXml } from './support/saml-schema.ts';
import {
  IDP_ENTITY_ID,
  idpCertificates,
  nodeSamlSp,
  postFormOf,
  registerSp,
  responseXml,
} from './support/saml-sp.ts';

const SP = 'https://meta.test';

describe('SAML metadata and key rotation', () => {
  let t: TestApp;
  let s: SeededTenant;
  let b: TestBrowser;
  let appId: string;
  const unsolicited = async () => postFormOf(await b.get(`/t/acme/saml/start/${appId}`))!;
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    s = await seedTenant(t.platform, 'acme');
    appId = (
      await registerSp(t, s.tenant.id, 'Meta', {
        entityId: SP,
        acs: [{ url: `${SP}/acs` }],
        slo: { url: `${SP}/slo`, binding: 'HTTP-POST' },
        attributes: [
          { name: 'groups', source: 'groups' },
          {
            name: 'mail',
            nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
            source: 'email',
          },
        ],
      })
    ).id;
    b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
  });
  after(() => t.close());

  test('the metadata is schema-valid and names the endpoints, bindings and NameID formats', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/t/acme/saml/metadata' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/samlmetadata\+xml/);
    assert.deepEqual(await validateSamlXml(res.body, 'metadata'), []);
    assert.ok(res.body.includes(`entityID="${IDP_ENTITY_ID}"`));
    for (const binding of ['HTTP-Redirect', 'HTTP-POST']) {
      assert.ok(
        res.body.includes(
          `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="https://sekisho.test/t/acme/saml/sso"/>`,
        ),
      );
      assert.ok(
        res.body.includes(
          `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="https://sekisho.test/t/acme/saml/slo"/>`,
        ),
      );
    }
    assert.equal((res.body.match(/<md:NameIDFormat>/g) ?? []).length, 4);
    assert.equal((await idpCertificates(t)).length, 1);
    const unknown = await t.app.inject({ method: 'GET', url: '/t/nobody/saml/metadata' });
    assert.equal(unknown.statusCode, 404);
  });

  test('Responses, error Responses and LogoutResponses are schema-valid', async () => {
    assert.deepEqual(await validateSamlXml(responseXml(await unsolicited()), 'protocol'), []);
    const stale = authnRequestXml({ issuer: SP, issueInstant: new Date(Date.now() - 3_600_000) });
    const error = postFormOf(await b.get(redirectPath(stale)))!;
    assert.match(responseXml(error), /RequestDenied/);
    assert.deepEqual(await validateSamlXml(responseXml(error), 'protocol'), []);
    const logout = `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_l1" Version="2.0" IssueInstant="${new Date().toISOString()}"><saml:Issuer>${SP}</saml:Issuer><saml:NameID>x</saml:NameID></samlp:LogoutRequest>`;
    // NameID "x" is not the one this session's user has at the SP: refused, session kept.
    const form = postFormOf(await b.get(redirectPath(logout, { path: '/t/acme/saml/slo' })))!;
    assert.match(responseXml(form), /status:UnknownPrincipal/);
    assert.deepEqual(await validateSamlXml(responseXml(form), 'protocol'), []);
  });

  test('after a rotation both certificates are published and old and new Responses verify', async () => {
    const before = await unsolicited();
    const [oldCert] = await idpCertificates(t);
    await createIdpServices(t.platform).keys.rotate(s.tenant.id, 'saml');
    const certs = await idpCertificates(t);
    assert.equal(certs.length, 2);
    assert.equal(certs[1], oldCert, 'the new certificate first, the old one still listed');
    const afterRotation = await unsolicited();
    assert.ok(responseXml(afterRotation).includes(certs[0]!), 'signed with the new key');
    const sp = await nodeSamlSp(t, SP, { validateInResponseTo: 'never' as never });
    assert.equal(
      (await sp.validatePostResponseAsync(before.fields)).profile?.nameID,
      s.admin.email,
    );
    assert.equal(
      (await sp.validatePostResponseAsync(afterRotation.fields)).profile?.nameID,
      s.admin.email,
    );
    const onlyNew = await nodeSamlSp(t, SP, {
      validateInResponseTo: 'never' as never,
      idpCert: certs[0]!,
    });
    await assert.rejects(onlyNew.validatePostResponseAsync(before.fields), /signature/i);
  });
});
