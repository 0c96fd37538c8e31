/**
 * Signed AuthnRequests for an SP that requires them, by node-saml over both bindings: a good
 * RSA-SHA256 signature is accepted; a missing, wrong-key, tampered or SHA-1 signature is
 * refused with Requester/RequestDenied to the registered ACS (no assertion); SHA-1 passes
 * only for an SP configured with allowSha1.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SAML, SamlConfig } from '@node-saml/node-saml';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import { authnRequestXml, base64, redirectPath, signPostXml } from './support/saml-requests.ts';
import {
  makeKeyPair,
  nodeSamlSp,
  pathOf,
  postFormOf,
  registerSp,
  type KeyPair,
} from './support/saml-sp.ts';

const SP = 'https://signed.test';
const SHA1_SP = 'https://legacy.test';
const denied = (err: Error & { xmlStatus?: string }) =>
  /status:RequestDenied/.test(err.xmlStatus ?? '');

describe('signed AuthnRequests', () => {
  let t: TestApp;
  let s: SeededTenant;
  let b: TestBrowser;
  let key: KeyPair;
  const sp = (options: Partial<SamlConfig> = {}, entityId = SP) =>
    nodeSamlSp(t, entityId, {
      identifierFormat: null,
      privateKey: key.privateKeyPem,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'sha256', // node-saml's default digest is SHA-1
      ...options,
    });
  const viaRedirect = async (saml: SAML, mutate = (url: string) => url) =>
    postFormOf(await b.get(mutate(pathOf(await saml.getAuthorizeUrlAsync('rs', undefined, {})))));
  /** Hand-made requests were not issued by node-saml: check the Response without InResponseTo. */
  const anyRequest = () => sp({ validateInResponseTo: 'never' as never });
  const refusedAt = async (saml: SAML, form: ReturnType<typeof postFormOf>, reason: string) => {
    assert.ok(form, 'an error Response is posted to the ACS');
    assert.equal(form.action, `${SP}/acs`);
    assert.doesNotMatch(Buffer.from(form.fields.SAMLResponse!, 'base64').toString(), /Assertion/);
    await assert.rejects(saml.validatePostResponseAsync(form.fields), denied);
    const [event] = await t.platform.audit.search(s.tenant.id, {
      action: 'saml.sso',
      result: 'deny',
      limit: 1,
    });
    assert.equal(event?.reason, reason);
  };
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    s = await seedTenant(t.platform, 'acme');
    key = makeKeyPair();
    const common = { requireSignedAuthnRequests: true, signingCertificates: [key.certificatePem] };
    await registerSp(t, s.tenant.id, 'Signed', {
      entityId: SP,
      acs: [{ url: `${SP}/acs` }],
      ...common,
    });
    await registerSp(t, s.tenant.id, 'Legacy', {
      entityId: SHA1_SP,
      acs: [{ url: `${SHA1_SP}/acs` }],
      allowSha1: true,
      ...common,
    });
    b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
  });
  after(() => t.close());

  test('HTTP-Redirect with a good RSA-SHA256 signature is accepted', async () => {
    const saml = await sp();
    const form = await viaRedirect(saml);
    assert.equal(
      (await saml.validatePostResponseAsync(form!.fields)).profile?.nameID,
      s.admin.email,
    );
  });

  test('HTTP-POST with a good enveloped signature is accepted', async () => {
    const saml = await sp({ authnRequestBinding: 'HTTP-POST' });
    const posted = await b.post(
      '/t/acme/saml/sso',
      (await saml.getAuthorizeMessageAsync('rs', undefined, {})) as Record<string, string>,
    );
    const form = postFormOf(await b.get(String(posted.headers.location)));
    assert.equal(
      (await saml.validatePostResponseAsync(form!.fields)).profile?.nameID,
      s.admin.email,
    );
  });

  test('a missing signature is refused', async () => {
    const saml = await sp({ privateKey: undefined });
    await refusedAt(saml, await viaRedirect(saml), 'saml-signature-missing');
  });

  test('a signature by another key is refused', async () => {
    const saml = await sp({ privateKey: makeKeyPair().privateKeyPem });
    await refusedAt(saml, await viaRedirect(saml), 'saml-signature-invalid');
  });

  test('a RelayState changed after signing is refused', async () => {
    const saml = await sp();
    const form = await viaRedirect(saml, (url) => url.replace('RelayState=rs', 'RelayState=evil'));
    await refusedAt(saml, form, 'saml-signature-invalid');
  });

  test('a POSTed request changed after signing is refused', async () => {
    const saml = await anyRequest();
    const signed = signPostXml(authnRequestXml({ issuer: SP }), key).replace(
      `${SP}/acs`,
      `${SP}/acs#x`,
    );
    const res = await b.post('/t/acme/saml/sso', { SAMLRequest: base64(signed) });
    // The changed ACS URL is not registered: nothing can be sent anywhere.
    assert.equal(res.statusCode, 400);
    assert.equal(postFormOf(res), undefined);
    const signedOk = signPostXml(authnRequestXml({ issuer: SP }), key);
    const tampered = signedOk.replace('Version="2.0"', 'Version="2.0" IsPassive="true"');
    const res2 = await b.post('/t/acme/saml/sso', { SAMLRequest: base64(tampered) });
    await refusedAt(saml, postFormOf(res2), 'saml-signature-invalid');
  });

  test('RSA-SHA1 is refused by default, on both bindings', async () => {
    const saml = await sp({ signatureAlgorithm: 'sha1', digestAlgorithm: 'sha1' });
    await refusedAt(saml, await viaRedirect(saml), 'saml-weak-algorithm');
    const sha1Post = signPostXml(authnRequestXml({ issuer: SP }), key, 'sha1');
    await refusedAt(
      await anyRequest(),
      postFormOf(await b.post('/t/acme/saml/sso', { SAMLRequest: base64(sha1Post) })),
      'saml-weak-algorithm',
    );
  });

  test('RSA-SHA1 is accepted from an SP configured with allowSha1', async () => {
    const saml = await sp({ signatureAlgorithm: 'sha1', digestAlgorithm: 'sha1' }, SHA1_SP);
    const form = await viaRedirect(saml);
    assert.equal(
      (await saml.validatePostResponseAsync(form!.fields)).profile?.nameID,
      s.admin.email,
    );
    const direct = redirectPath(authnRequestXml({ issuer: SHA1_SP }), { key, hash: 'sha1' });
    assert.ok(postFormOf(await b.get(direct))?.fields.SAMLResponse);
  });
});
