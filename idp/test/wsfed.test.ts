/**
 * WS-Federation sign-in as Microsoft 365 sees it. Entra ID cannot run here, so `entraReceives`
 * emulates the relying party and checks exactly what Microsoft publishes for a federated
 * domain: the token is an RSTR (WS-Trust 2005/02) with a SAML 1.1 assertion whose signature
 * verifies against the IdP's signing certificate (taken from our federation metadata, as the
 * admin copies it into New-MgDomainFederationConfiguration), Issuer = the domain's IssuerUri,
 * Audience = urn:federation:MicrosoftOnline, NameIdentifier = the user's ImmutableID, the UPN
 * and ImmutableID claims, a current validity window, the authentication method
 * (learn.microsoft.com/en-us/entra/identity/authentication/concept-mfa-expected-inbound-assertions;
 * learn.microsoft.com/en-us/entra/external-id/direct-federation "Required claims for the
 * WS-Fed token"), posted to https://login.microsoftonline.com/login.srf with wctx unchanged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
import { wsfedRpSpec } from '../src/wsfed/rp-config.ts';
import { followSignIn } from './support/federation-test-kit.ts';
import { entraReceives, metadataCertificates, M365 } from './support/wsfed-entra-emulator.ts';

const ISSUER = 'https://sekisho.test/t/acme/wsfed';
const signIn = (q: Record<string, string>) =>
  `/t/acme/wsfed?${new URLSearchParams({ wa: 'wsignin1.0', wtrealm: M365.realm, ...q })}`;

async function signInThroughLoginPage(b: TestBrowser, url: string, loginId: string) {
  const res = await followSignIn(b, await b.get(url), loginId);
  assert.equal(res.returnPaths.length, 1, 'the login page was shown once');
  return Object.assign(res, { returnTo: res.returnPaths[0]! });
}

describe('WS-Federation passive sign-in for Microsoft 365', () => {
  let t: TestApp;
  let seeded: SeededTenant;
  let services: IdpServices;
  let certs: string[];

  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    seeded = await seedTenant(t.platform, 'acme');
    services = createIdpServices(t.platform);
    await t.platform.users.create(
      seeded.tenant.id,
      {
        loginId: 'taro@acme.example',
        displayName: 'Taro',
        attributes: { immutableId: 'dGFybw+/A==' },
      },
      await hashPassword(TEST_PASSWORD),
    );
    await services.apps.create(seeded.tenant.id, wsfedRpSpec, 'Microsoft 365', {
      realm: M365.realm,
      replyUrls: [M365.loginSrf],
      signOutUrls: ['https://login.microsoftonline.com/logout.srf'],
    });
    certs = await metadataCertificates(
      t.app,
      '/t/acme/wsfed/FederationMetadata/2007-06/FederationMetadata.xml',
      ISSUER,
    );
  });
  after(() => t.close());

  test('the emulated Entra relying party accepts the token, and wctx comes back unchanged', async () => {
    const b = new TestBrowser(t.app);
    const wctx = 'LoginOptions=3&estsredirect=2&estsrequest=rQQIARAA<"x">';
    const res = await signInThroughLoginPage(
      b,
      signIn({ wctx, wreply: M365.loginSrf }),
      'taro@acme.example',
    );
    const before = Date.now();
    const got = entraReceives(res, { issuerUri: ISSUER, certificates: certs, now: before });
    assert.equal(got.wctx, wctx);
    assert.equal(got.nameIdentifier, 'dGFybw+/A==');
    assert.equal(got.claims.ImmutableID, 'dGFybw+/A==');
    assert.equal(got.claims.UPN, 'taro@acme.example');
    assert.equal(got.authenticationMethod, 'urn:oasis:names:tc:SAML:1.0:am:password');
    assert.ok(got.notOnOrAfter - got.notBefore === 3600_000);
    const events = await t.platform.audit.search(seeded.tenant.id, { action: 'wsfed.token' });
    assert.equal(events[0]?.result, 'success');
    assert.equal((events[0]?.details as { assertionId?: string }).assertionId, got.assertionId);
  });

  test('without wreply the registered reply URL is used; a signed-in user is not asked again', async () => {
    const b = new TestBrowser(t.app);
    await signInThroughLoginPage(b, signIn({}), 'taro@acme.example');
    const again = await b.get(signIn({ wctx: 'second' }));
    const got = entraReceives(again, { issuerUri: ISSUER, certificates: certs, now: Date.now() });
    assert.equal(got.wctx, 'second');
  });

  test('a long wctx is parked while the user signs in and still comes back byte for byte', async () => {
    const wctx = `estsrequest=${'rQQIARAAhZI9b9NAGMdbJ-2-'.repeat(120)}`;
    const b = new TestBrowser(t.app);
    const res = await signInThroughLoginPage(b, signIn({ wctx }), 'taro@acme.example');
    assert.match(res.returnTo, /^\/t\/acme\/wsfed\?wresume=[\w-]{24}$/);
    assert.equal(
      entraReceives(res, { issuerUri: ISSUER, certificates: certs, now: Date.now() }).wctx,
      wctx,
    );
  });

  test('an unknown realm is refused with a page and nothing is posted', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', 'taro@acme.example', TEST_PASSWORD);
    const res = await b.get(signIn({ wtrealm: 'urn:federation:Elsewhere' }));
    assert.equal(res.statusCode, 400);
    assert.doesNotMatch(res.body, /wresult/);
    assert.match(res.body, /urn:federation:Elsewhere/);
  });

  test('a wreply that is not registered is refused, even one that starts like the registered one', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', 'taro@acme.example', TEST_PASSWORD);
    for (const wreply of [
      'https://evil.example/login.srf',
      `${M365.loginSrf}.evil.example`,
      `${M365.loginSrf}?x=1`,
      'HTTPS://LOGIN.MICROSOFTONLINE.COM/login.srf',
    ]) {
      const res = await b.get(signIn({ wreply }));
      assert.equal(res.statusCode, 400, wreply);
      assert.doesNotMatch(res.body, /wresult/);
    }
  });

  test('a missing or unknown wa, a repeated or an oversized parameter is refused', async () => {
    const b = new TestBrowser(t.app);
    const realm = encodeURIComponent(M365.realm);
    for (const url of [
      `/t/acme/wsfed?wtrealm=${realm}`,
      `/t/acme/wsfed?wa=wsignin9.9&wtrealm=${realm}`,
      `/t/acme/wsfed?wa=wsignin1.0`,
      `/t/acme/wsfed?wa=wsignin1.0&wtrealm=${realm}&wtrealm=urn:x`,
      `/t/acme/wsfed?wa=wsignin1.0&wtrealm=${realm}&wctx=${'a'.repeat(9000)}`,
      `/t/acme/wsfed?wa=wsignin1.0&wtrealm=urn:${'a'.repeat(1100)}`,
      `/t/acme/wsfed?wresume=${'A'.repeat(24)}`,
    ]) {
      const res = await b.get(url);
      assert.equal(res.statusCode, 400, url.slice(0, 80));
    }
  });

  test('a user without an ImmutableID gets a page saying so, and no token', async () => {
    const b = new TestBrowser(t.app);
    const res = await signInThroughLoginPage(b, signIn({}), 'admin@acme.example');
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /attr:immutableId/);
    assert.doesNotMatch(res.body, /wresult/);
  });

  test('a disabled relying party gets nothing', async () => {
    const rp = await services.apps.create(seeded.tenant.id, wsfedRpSpec, 'Off', {
      realm: 'urn:example:off',
      replyUrls: ['https://off.example/'],
    });
    await services.apps.update(seeded.tenant.id, wsfedRpSpec, rp.id, { enabled: false });
    const b = new TestBrowser(t.app);
    await b.login('acme', 'taro@acme.example', TEST_PASSWORD);
    assert.equal((await b.get(signIn({ wtrealm: 'urn:example:off' }))).statusCode, 400);
  });

  test('metadata lists every published certificate during rotation, the new one signs', async () => {
    await services.keys.rotate(seeded.tenant.id, 'saml');
    const url = '/t/acme/wsfed/FederationMetadata/2007-06/FederationMetadata.xml';
    const rotated = await metadataCertificates(t.app, url, ISSUER);
    assert.equal(rotated.length, 2);
    assert.equal(rotated[1], certs[0], 'the previous certificate stays published');
    const b = new TestBrowser(t.app);
    const res = await signInThroughLoginPage(b, signIn({}), 'taro@acme.example');
    entraReceives(res, { issuerUri: ISSUER, certificates: [rotated[0]!], now: Date.now() });
  });

  test('wsignout1.0 ends the IdP session and returns only to a registered address', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', 'taro@acme.example', TEST_PASSWORD);
    const out = await b.get(
      `/t/acme/wsfed?wa=wsignout1.0&wreply=${encodeURIComponent('https://login.microsoftonline.com/logout.srf')}`,
    );
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, 'https://login.microsoftonline.com/logout.srf');
    assert.equal((await b.get('/t/acme/portal')).statusCode, 303);
    assert.equal((await b.get(signIn({}))).statusCode, 303, 'a new sign-in needs the password');

    await b.login('acme', 'taro@acme.example', TEST_PASSWORD);
    const page = await b.get(
      '/t/acme/wsfed?wa=wsignoutcleanup1.0&wreply=https%3A%2F%2Fevil.example%2F',
    );
    assert.equal(page.statusCode, 200);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 303);
  });
});
