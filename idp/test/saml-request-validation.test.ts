/**
 * Every malformed, stale, replayed or misdirected AuthnRequest is refused and nothing is
 * issued: before the SP and its ACS are known the browser gets a page and no form; after,
 * a signed Response with the error status goes to the registered ACS (node-saml confirms).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import type { SAML } from '@node-saml/node-saml';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import {
  authnRequestXml,
  base64,
  newId,
  redirectPath,
  type RequestOptions,
} from './support/saml-requests.ts';
import { makeKeyPair, nodeSamlSp, postFormOf, registerSp, responseXml } from './support/saml-sp.ts';
import { signPostXml } from './support/saml-requests.ts';

const SP = 'https://val.test';
const STATUS = 'urn:oasis:names:tc:SAML:2.0:status:';

describe('AuthnRequest validation', () => {
  let t: TestApp;
  let s: SeededTenant;
  let b: TestBrowser;
  let sp: SAML;
  const send = (o: Partial<RequestOptions> = {}, relayState?: string) =>
    b.get(
      redirectPath(
        authnRequestXml({ issuer: SP, ...o }),
        relayState === undefined ? {} : { relayState },
      ),
    );
  const lastDeny = async () =>
    (
      await t.platform.audit.search(s.tenant.id, { action: 'saml.sso', result: 'deny', limit: 1 })
    )[0]?.reason;
  /** A refusal answered with a signed error Response to the registered ACS. */
  const refused = async (res: LightMyRequestResponse, reason: string, second = 'RequestDenied') => {
    const form = postFormOf(res);
    assert.ok(form, 'an error Response is posted');
    assert.equal(form.action, `${SP}/acs`);
    const xml = responseXml(form);
    assert.doesNotMatch(xml, /Assertion/);
    assert.match(xml, new RegExp(`StatusCode Value="${STATUS}${second}"`));
    await assert.rejects(sp.validatePostResponseAsync(form.fields), /SAML provider returned/);
    assert.equal(await lastDeny(), reason);
    return form;
  };
  /** A refusal with nowhere safe to post: a page, no form. */
  const page = async (res: LightMyRequestResponse, status: number, reason: string) => {
    assert.equal(res.statusCode, status);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(postFormOf(res), undefined);
    assert.doesNotMatch(res.body, /SAMLResponse/);
    assert.equal(await lastDeny(), reason);
  };
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    s = await seedTenant(t.platform, 'acme');
    await registerSp(t, s.tenant.id, 'Validated', {
      entityId: SP,
      acs: [{ url: `${SP}/acs` }, { url: `${SP}/acs2`, index: 7 }],
      signingCertificates: [makeKeyPair().certificatePem],
    });
    b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    sp = await nodeSamlSp(t, SP, { validateInResponseTo: 'never' as never });
  });
  after(() => t.close());

  test('a well-formed request is answered with an assertion (the baseline)', async () => {
    const { profile } = await sp.validatePostResponseAsync(postFormOf(await send())!.fields);
    assert.equal(profile?.nameID, s.admin.email);
  });

  test('a replayed request ID is refused', async () => {
    const id = newId();
    assert.ok(postFormOf(await send({ id }))?.fields.SAMLResponse);
    await refused(await send({ id }), 'saml-replay');
  });

  test('an expired or future IssueInstant is refused', async () => {
    await refused(await send({ issueInstant: new Date(Date.now() - 10 * 60_000) }), 'saml-stale');
    await refused(await send({ issueInstant: new Date(Date.now() + 5 * 60_000) }), 'saml-stale');
    await refused(
      await send({ issueInstant: '2026-01-01T00:00:00+09:00' }),
      'saml-malformed',
      'Requester',
    );
  });

  test('a Destination naming another IdP is refused', async () => {
    await refused(await send({ destination: 'https://other-idp.test/sso' }), 'saml-destination');
  });

  test('Version other than 2.0 gets VersionMismatch; an unsupported ProtocolBinding UnsupportedBinding', async () => {
    const form = postFormOf(await send({ version: '1.1' }))!;
    assert.match(
      responseXml(form),
      /status:VersionMismatch"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooLow"/,
    );
    await refused(
      await send({ protocolBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact' }),
      'saml-binding',
      'UnsupportedBinding',
    );
  });

  test('RelayState within 80 bytes comes back; over the limit is refused and not echoed', async () => {
    const ok = 'r'.repeat(80);
    assert.equal(postFormOf(await send({}, ok))?.fields.RelayState, ok);
    const form = await refused(await send({}, 'r'.repeat(81)), 'saml-relay-state');
    assert.equal(form.fields.RelayState, undefined);
  });

  test('a DOCTYPE or entity declaration is refused before parsing, by page', async () => {
    const prolog = '<!DOCTYPE samlp:AuthnRequest [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>';
    await page(await send({ prolog }), 400, 'saml-dtd');
    const xxe = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>';
    await page(
      await b.post('/t/acme/saml/sso', {
        SAMLRequest: base64(xxe + authnRequestXml({ issuer: SP })),
      }),
      400,
      'saml-dtd',
    );
  });

  test('an unknown SP gets a page and nothing is posted', async () => {
    await page(
      await send({ issuer: 'https://stranger.test', acsUrl: 'https://stranger.test/acs' }),
      404,
      'saml-unknown-sp',
    );
  });

  test('an unregistered ACS URL or index gets a page; a registered index is used', async () => {
    await page(await send({ acsUrl: 'https://attacker.test/acs' }), 400, 'saml-unknown-acs');
    await page(await send({ acsUrl: `${SP}/ACS` }), 400, 'saml-unknown-acs');
    await page(await send({ acsIndex: 3 }), 400, 'saml-unknown-acs');
    assert.equal(postFormOf(await send({ acsIndex: 7 }))?.action, `${SP}/acs2`);
  });

  test('a DEFLATE bomb and an oversized POST are refused by page', async () => {
    const bomb = deflateRawSync(
      Buffer.from(
        authnRequestXml({ issuer: SP }).replace(
          '<saml:Issuer>',
          ' '.repeat(5_000_000) + '<saml:Issuer>',
        ),
      ),
    );
    assert.ok(bomb.length < 10_000);
    await page(await b.get(redirectPath('', { raw: bomb })), 413, 'saml-too-large');
    const big = authnRequestXml({ issuer: SP }).replace(
      '</samlp:AuthnRequest>',
      `<!--${'x'.repeat(70_000)}--></samlp:AuthnRequest>`,
    );
    const res = await b.post('/t/acme/saml/sso', { SAMLRequest: base64(big) });
    assert.equal(res.statusCode, 413);
    assert.equal(postFormOf(res), undefined);
  });

  test('malformed messages are refused by page', async () => {
    await page(await b.get('/t/acme/saml/sso?SAMLRequest=%%%'), 400, 'saml-malformed');
    await page(await b.get('/t/acme/saml/sso?SAMLRequest=not*base64'), 400, 'saml-malformed');
    await page(await b.get(redirectPath('<samlp:AuthnRequest><unclosed>')), 400, 'saml-malformed');
    await page(await b.get('/t/acme/saml/sso'), 400, 'saml-malformed');
    const noIssuer = authnRequestXml({ issuer: SP }).replace(/<saml:Issuer>.*<\/saml:Issuer>/, '');
    await page(await b.get(redirectPath(noIssuer)), 400, 'saml-malformed');
    const logout = authnRequestXml({ issuer: SP }).replaceAll('AuthnRequest', 'LogoutRequest');
    await page(await b.get(redirectPath(logout)), 400, 'saml-malformed');
  });

  test('a signature wrapped away from the root is refused', async () => {
    const key = makeKeyPair();
    const inner = signPostXml(authnRequestXml({ issuer: SP }), key);
    const wrapped = authnRequestXml({ issuer: SP }).replace(
      '</saml:Issuer>',
      `</saml:Issuer><samlp:Extensions>${inner}</samlp:Extensions>`,
    );
    await refused(
      await b.post('/t/acme/saml/sso', { SAMLRequest: base64(wrapped) }),
      'saml-signature-invalid',
    );
  });
});
