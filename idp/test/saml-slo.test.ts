/**
 * Single logout with node-saml SPs: an SP's signed LogoutRequest ends the IdP session (the
 * next sign-in asks for the password again), the session's other SPs are told in turn, and
 * the requesting SP gets a signed LogoutResponse; by HTTP-Redirect and HTTP-POST. Unsigned
 * requests from an SP with a certificate, and unknown SPs, end nothing.
 */
import { after, before, describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import assert from 'node:assert/strict';
import type { Profile, SAML } from '@node-saml/node-saml';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import { base64, newId, signPostXml } from './support/saml-requests.ts';
import {
  SLO,
  makeKeyPair,
  nodeSamlSp,
  pathOf,
  postFormOf,
  registerSp,
  type KeyPair,
} from './support/saml-sp.ts';

const A = 'https://a.test';
const B = 'https://b.test';
const P = 'https://post.test';
const N = 'https://no-slo.test';

const query = (location: string) => {
  const url = new URL(location);
  return { container: Object.fromEntries(url.searchParams), original: url.search.slice(1) };
};

describe('SAML single logout', () => {
  let t: TestApp;
  let s: SeededTenant;
  let key: KeyPair;
  const sp = (entityId: string) =>
    nodeSamlSp(t, entityId, {
      identifierFormat: null,
      privateKey: key.privateKeyPem,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'sha256',
    });
  const signIn = async (b: TestBrowser, saml: SAML): Promise<Profile> => {
    const form = postFormOf(
      await b.get(pathOf(await saml.getAuthorizeUrlAsync('', undefined, {}))),
    );
    return (await saml.validatePostResponseAsync(form!.fields)).profile!;
  };
  const signedIn = async (b: TestBrowser) => (await b.get('/t/acme/portal')).statusCode === 200;
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    s = await seedTenant(t.platform, 'acme');
    key = makeKeyPair();
    for (const [entityId, binding] of [
      [A, 'HTTP-Redirect'],
      [B, 'HTTP-Redirect'],
      [P, 'HTTP-POST'],
    ] as const)
      await registerSp(t, s.tenant.id, entityId, {
        entityId,
        acs: [{ url: `${entityId}/acs` }],
        slo: { url: `${entityId}/slo`, binding },
        signingCertificates: [key.certificatePem],
      });
    await registerSp(t, s.tenant.id, N, { entityId: N, acs: [{ url: `${N}/acs` }] });
  });
  after(() => t.close());

  test('an SP-initiated logout ends the session; the next sign-in asks for the password', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const a = await sp(A);
    const profile = await signIn(b, a);
    const res = await b.get(pathOf(await a.getLogoutUrlAsync(profile, 'after-logout', {})));
    assert.equal(res.statusCode, 303);
    const location = String(res.headers.location);
    assert.ok(location.startsWith(`${A}/slo?SAMLResponse=`));
    const { container, original } = query(location);
    assert.equal(container.RelayState, 'after-logout');
    const inflated = inflateRawSync(Buffer.from(container.SAMLResponse!, 'base64')).toString();
    assert.match(inflated, /InResponseTo="_[0-9a-f]+"/);
    assert.equal((await a.validateRedirectAsync(container, original)).loggedOut, true);
    assert.equal(await signedIn(b), false);
    const again = await b.get(pathOf(await a.getAuthorizeUrlAsync('', undefined, {})));
    assert.equal(again.statusCode, 303);
    assert.match(String(again.headers.location), /^\/t\/acme\/login\?return=/);
    const [event] = await t.platform.audit.search(s.tenant.id, { action: 'saml.slo', limit: 1 });
    assert.equal(event?.result, 'success');
    assert.equal(event?.actor_id, s.admin.id);
  });

  test('the logout is carried to the other SPs of the session before the requester is answered', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const [a, bSp] = [await sp(A), await sp(B)];
    const profileA = await signIn(b, a);
    const profileB = await signIn(b, bSp);
    const toB = await b.get(pathOf(await a.getLogoutUrlAsync(profileA, 'ra', {})));
    assert.ok(String(toB.headers.location).startsWith(`${B}/slo?SAMLRequest=`));
    assert.equal(await signedIn(b), false, 'the IdP session ended before the chain began');
    const { container, original } = query(String(toB.headers.location));
    const logoutAtB = await bSp.validateRedirectAsync(container, original);
    assert.equal(logoutAtB.loggedOut, true);
    assert.equal(logoutAtB.profile?.nameID, profileB.nameID);
    assert.equal(logoutAtB.profile?.sessionIndex, profileB.sessionIndex);
    const backUrl = await bSp.getLogoutResponseUrlAsync(
      logoutAtB.profile!,
      String(container.RelayState),
      {},
      true,
    );
    const toA = await b.get(pathOf(backUrl));
    assert.ok(String(toA.headers.location).startsWith(`${A}/slo?SAMLResponse=`));
    const back = query(String(toA.headers.location));
    assert.equal(back.container.RelayState, 'ra');
    assert.equal((await a.validateRedirectAsync(back.container, back.original)).loggedOut, true);
    const answer = inflateRawSync(Buffer.from(back.container.SAMLResponse!, 'base64')).toString();
    assert.match(answer, /status:Success/);
    assert.doesNotMatch(answer, /PartialLogout/);
  });

  test("signing out of Sekisho tells each SAML SP of the session, then ends the OpenID provider's session", async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const [a, p] = [await sp(A), await sp(P)];
    const profileA = await signIn(b, a);
    const profileP = await signIn(b, p);
    await signIn(b, await nodeSamlSp(t, N, { identifierFormat: null })); // no SLO endpoint
    const csrf = await b.csrfFrom('/t/acme/portal');
    const out = await b.post('/t/acme/logout', { _csrf: csrf });
    assert.equal(await signedIn(b), false, 'the Sekisho session ended before the chain began');

    // A (HTTP-Redirect) is told first: a LogoutRequest signed by Sekisho for A's session.
    assert.ok(String(out.headers.location).startsWith(`${A}/slo?SAMLRequest=`));
    const atA = query(String(out.headers.location));
    const logoutAtA = await a.validateRedirectAsync(atA.container, atA.original);
    assert.equal(logoutAtA.loggedOut, true);
    assert.equal(logoutAtA.profile?.nameID, profileA.nameID);
    assert.equal(logoutAtA.profile?.sessionIndex, profileA.sessionIndex);
    const fromA = await b.get(
      pathOf(
        await a.getLogoutResponseUrlAsync(
          logoutAtA.profile!,
          String(atA.container.RelayState),
          {},
          true,
        ),
      ),
    );

    // Then P (HTTP-POST): the browser posts Sekisho's signed LogoutRequest to P.
    let toP = fromA;
    if (toP.statusCode === 303) toP = await b.get(String(toP.headers.location));
    const form = postFormOf(toP);
    assert.equal(form?.action, `${P}/slo`);
    const logoutAtP = await p.validatePostRequestAsync(form!.fields);
    assert.equal(logoutAtP.loggedOut, true);
    assert.equal(logoutAtP.profile?.sessionIndex, profileP.sessionIndex);
    const fromP = await b.get(
      pathOf(
        await p.getLogoutResponseUrlAsync(
          logoutAtP.profile!,
          String(form!.fields.RelayState),
          {},
          true,
        ),
      ),
    );

    // No SP started this logout: it goes on to the OpenID provider's end of session.
    assert.equal(fromP.statusCode, 303);
    assert.equal(fromP.headers.location, '/t/acme/oidc/session/end');
    const [event] = await t.platform.audit.search(s.tenant.id, { action: 'logout' });
    assert.equal(event?.actor_id, s.admin.id);
    assert.deepEqual(event?.details, { propagateTo: 3 });
  });

  test('signing out of Sekisho without SAML SPs goes straight to the end of the OpenID session', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const out = await b.post('/t/acme/logout', { _csrf: await b.csrfFrom('/t/acme/portal') });
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/t/acme/oidc/session/end');
    assert.equal(await signedIn(b), false);
  });

  test('an SP of the session that cannot be told makes the logout partial', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const a = await sp(A);
    const profile = await signIn(b, a);
    await signIn(b, await nodeSamlSp(t, N, { identifierFormat: null }));
    const res = await b.get(pathOf(await a.getLogoutUrlAsync(profile, '', {})));
    const { container, original } = query(String(res.headers.location));
    const answer = inflateRawSync(Buffer.from(container.SAMLResponse!, 'base64')).toString();
    assert.match(
      answer,
      /status:Success"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:PartialLogout"/,
    );
    assert.equal((await a.validateRedirectAsync(container, original)).loggedOut, true);
    assert.equal(await signedIn(b), false);
  });

  test('HTTP-POST: a signed LogoutRequest ends the session and a signed LogoutResponse is posted back', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const p = await sp(P);
    const profile = await signIn(b, p);
    const id = newId();
    const xml = signPostXml(
      `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${SLO}"><saml:Issuer>${P}</saml:Issuer><saml:NameID>${profile.nameID}</saml:NameID><samlp:SessionIndex>${profile.sessionIndex}</samlp:SessionIndex></samlp:LogoutRequest>`,
      key,
    );
    const posted = await b.post('/t/acme/saml/slo', { SAMLRequest: base64(xml), RelayState: 'rp' });
    assert.equal(posted.statusCode, 303);
    assert.match(String(posted.headers.location), /^\/t\/acme\/saml\/slo\/continue\//);
    const form = postFormOf(await b.get(String(posted.headers.location)));
    assert.ok(form);
    assert.equal(form.action, `${P}/slo`);
    assert.equal(form.fields.RelayState, 'rp');
    const response = Buffer.from(form.fields.SAMLResponse!, 'base64').toString();
    assert.match(response, new RegExp(`InResponseTo="${id}"`));
    const checker = await nodeSamlSp(t, P, { validateInResponseTo: 'never' as never });
    assert.equal((await checker.validatePostResponseAsync(form.fields)).loggedOut, true);
    assert.equal(await signedIn(b), false);
  });

  test('an unsigned LogoutRequest from an SP with a certificate is refused and ends nothing', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const unsigned = await nodeSamlSp(t, A, { identifierFormat: null });
    const profile = await signIn(b, unsigned);
    const res = await b.get(pathOf(await unsigned.getLogoutUrlAsync(profile, '', {})));
    const { container, original } = query(String(res.headers.location));
    await assert.rejects(
      unsigned.validateRedirectAsync(container, original),
      /RequestDenied|Bad status/,
    );
    assert.equal(await signedIn(b), true);
  });

  test('a LogoutRequest from an unknown SP gets a page and ends nothing', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const stranger = await nodeSamlSp(t, 'https://stranger.test', { identifierFormat: null });
    const url = await stranger.getLogoutUrlAsync(
      { issuer: '', nameID: 'x', nameIDFormat: 'y' },
      '',
      {},
    );
    const res = await b.get(pathOf(url));
    assert.equal(res.statusCode, 404);
    assert.equal(postFormOf(res), undefined);
    assert.equal(await signedIn(b), true);
  });
});
