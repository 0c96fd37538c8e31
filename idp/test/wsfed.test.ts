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
import type { LightMyRequestResponse } from 'fastify';
import { ManualClock, hashPassword, type Clock } from '@sekisho/platform';
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
import { followSignIn, formFields } from './support/federation-test-kit.ts';
import { entraReceives, metadataCertificates, M365 } from './support/wsfed-entra-emulator.ts';

const ISSUER = 'https://sekisho.test/t/acme/wsfed';
const signIn = (q: Record<string, string>) =>
  `/t/acme/wsfed?${new URLSearchParams({ wa: 'wsignin1.0', wtrealm: M365.realm, ...q })}`;

async function signInThroughLoginPage(b: TestBrowser, url: string, loginId: string) {
  const res = await followSignIn(b, await b.get(url), loginId);
  assert.equal(res.returnPaths.length, 1, 'the login page was shown once');
  return Object.assign(res, { returnTo: res.returnPaths[0]! });
}

/** An app with tenant `acme`, its user taro (with an ImmutableID) and Microsoft 365 as RP. */
async function startM365Tenant(clock?: Clock) {
  const t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' }, clock);
  const seeded = await seedTenant(t.platform, 'acme');
  const services = createIdpServices(t.platform);
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
  const certs = await metadataCertificates(
    t.app,
    '/t/acme/wsfed/FederationMetadata/2007-06/FederationMetadata.xml',
    ISSUER,
  );
  return { t, seeded, services, certs };
}

describe('WS-Federation passive sign-in for Microsoft 365', () => {
  let t: TestApp;
  let seeded: SeededTenant;
  let services: IdpServices;
  let certs: string[];

  before(async () => {
    ({ t, seeded, services, certs } = await startM365Tenant());
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

/**
 * A fresh sign-in (WS-Federation 1.2 section 13.2.1) on a test clock: Entra ID sends wfresh=0
 * with the SAML 1.0 password method for prompt=login (promptLoginBehavior
 * translateToFreshPasswordAuthentication), and multipleauthn when it wants MFA from the IdP.
 * The clock moves between the request, the sign-in and the replay, so a replay that forgot
 * when the request arrived would loop back to the login page.
 */
describe('WS-Federation fresh sign-in: wfresh and wauth', () => {
  const clock = new ManualClock(new Date());
  const PASSWORD = 'urn:oasis:names:tc:SAML:1.0:am:password';
  const MULTIPLE_AUTHN = 'http://schemas.microsoft.com/claims/multipleauthn';
  let t: TestApp;
  let seeded: SeededTenant;
  let certs: string[];
  const receive = (res: LightMyRequestResponse) =>
    entraReceives(res, { issuerUri: ISSUER, certificates: certs, now: clock.now().getTime() });
  const authenticationInstant = (res: LightMyRequestResponse) =>
    Date.parse(/AuthenticationInstant="([^"]+)"/.exec(formFields(res.body).fields.wresult!)![1]!);
  const signedIn = async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', 'taro@acme.example', TEST_PASSWORD);
    return b;
  };
  /** From the redirect to the login page: a second later sign in, a second later go back. */
  const signInAgain = async (b: TestBrowser, res: LightMyRequestResponse) => {
    assert.equal(res.statusCode, 303);
    const location = String(res.headers.location);
    const returnTo = new URL(location, 'https://idp.invalid').searchParams.get('return') ?? '';
    assert.match(returnTo, /^\/t\/acme\/wsfed\?wresume=[\w-]{24}$/, 'the request is parked');
    clock.advance(1000);
    const csrf = await b.csrfFrom(location);
    const form = { _csrf: csrf, loginId: 'taro@acme.example', password: TEST_PASSWORD };
    const posted = await b.post('/t/acme/login', { ...form, return: returnTo });
    assert.equal(posted.headers.location, returnTo);
    clock.advance(1000);
    return b.get(returnTo);
  };

  before(async () => {
    ({ t, seeded, certs } = await startM365Tenant(clock));
  });
  after(() => t.close());

  test('wfresh=0 ends the session (cookie and server side) and posts a token only after a new sign-in', async () => {
    const b = await signedIn();
    const copy = new TestBrowser(t.app);
    for (const pair of b.cookieHeader.split('; ')) copy.setCookie(pair);
    clock.advance(60_000);
    const requestedAt = clock.now().getTime();
    const first = await b.get(signIn({ wfresh: '0', wauth: PASSWORD, wctx: 'prompt-login' }));
    assert.match(String(first.headers.location), /^\/t\/acme\/login\?return=/);
    assert.equal(
      (await copy.get('/t/acme/portal')).statusCode,
      303,
      'a copy of the cookie is dead',
    );
    const res = await signInAgain(b, first);
    const got = receive(res);
    assert.equal(got.wctx, 'prompt-login');
    assert.equal(got.authenticationMethod, PASSWORD);
    assert.equal(authenticationInstant(res), requestedAt + 1000, 'the new sign-in');
  });

  test('wfresh=0 without a session asks for the password once, then posts the token', async () => {
    const b = new TestBrowser(t.app);
    const requestedAt = clock.now().getTime();
    const res = await signInAgain(b, await b.get(signIn({ wfresh: '0' })));
    receive(res);
    assert.equal(authenticationInstant(res), requestedAt + 1000);
  });

  test('wfresh=60 lets a sign-in of ten minutes ago through at once, with its instant', async () => {
    const b = await signedIn();
    const signedInAt = clock.now().getTime();
    clock.advance(10 * 60_000);
    const res = await b.get(signIn({ wfresh: '60' }));
    receive(res);
    assert.equal(authenticationInstant(res), signedInAt);
  });

  test('wfresh=5 accepts a sign-in of four minutes ago and sends one of six minutes ago to sign in again', async () => {
    const b = await signedIn();
    clock.advance(4 * 60_000);
    receive(await b.get(signIn({ wfresh: '5' })));
    clock.advance(2 * 60_000);
    const requestedAt = clock.now().getTime();
    const res = await signInAgain(b, await b.get(signIn({ wfresh: '5' })));
    receive(res);
    assert.equal(authenticationInstant(res), requestedAt + 1000, 'the new sign-in');
  });

  test('a wfresh that is not a non-negative integer is refused with a page, and the session stays', async () => {
    const b = await signedIn();
    clock.advance(60_000);
    for (const wfresh of ['-1', '1.5', 'abc', '0x10', ' 5', '5m', '１']) {
      const res = await b.get(signIn({ wfresh }));
      assert.equal(res.statusCode, 400, wfresh);
      assert.match(res.body, /\(wfresh\)/, wfresh);
      assert.doesNotMatch(res.body, /wresult/);
    }
    assert.equal((await b.get('/t/acme/portal')).statusCode, 200, 'still signed in');
  });

  test('an unknown wauth is refused before anything changes; multipleauthn needs a second factor', async () => {
    const b = await signedIn();
    clock.advance(60_000);
    const unknown = await b.get(signIn({ wfresh: '0', wauth: 'urn:example:am:retina' }));
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.body, /\(wauth\)/);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 200, 'wfresh=0 did not end it');
    const mfa = await b.get(signIn({ wauth: MULTIPLE_AUTHN }));
    assert.equal(mfa.statusCode, 400);
    assert.doesNotMatch(mfa.body, /wresult/);
    const events = await t.platform.audit.search(seeded.tenant.id, { action: 'wsfed.token' });
    assert.equal(events[0]?.reason, 'wauth-unsatisfied');
    const ms = 'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password';
    receive(await b.get(signIn({ wauth: ms })));
  });
});
