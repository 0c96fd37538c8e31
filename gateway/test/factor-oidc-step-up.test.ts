/**
 * Step-up for an OpenID Connect application (#6): a user signed in with the password alone in
 * the office opens an OIDC application from home, where the policy group asks for a second
 * factor. The authorization request leads to the factor page; after the code from the
 * authenticator app the same session continues to the RP, and the ID token says `mfa`.
 * openid-client plays the RP; the authenticator app is RFC 6238 in the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { PUBLIC, discover, follow } from '../../idp/test/support/oidc-rp.ts';
import { seedTenant, startTestApp, type SeededTenant, type TestApp } from './support/test-app.ts';
import {
  JumpClock,
  adminApi,
  csrfOf,
  enrolTotp,
  newUser,
  passwordSessionMovedTo,
  policyGroup,
  sessionAuth,
} from './support/factor-kit.ts';
import { authenticatorCode } from './support/lock-phone.ts';

const OFFICE = '203.0.113.9';
const HOME = '198.51.100.7';
const RP = 'https://rp.test/callback';
const EN = { 'accept-language': 'en' };

describe('second factor asked by an OpenID Connect application (step-up)', () => {
  let t: TestApp;
  let s: SeededTenant;
  let rp: client.Configuration;
  const clock = new JumpClock();

  before(async () => {
    t = await startTestApp({ PUBLIC_URL: PUBLIC }, clock);
    s = await seedTenant(t.platform, 'acme');
    const api = adminApi(t, s);
    const office = await api('POST', '/ip-sets', {
      identifier: 'office',
      name: 'Office',
      entries: ['203.0.113.0/24'],
    });
    assert.equal(office.statusCode, 201, office.body);
    await policyGroup(t, s, {
      name: 'staff',
      isDefault: true,
      allowCondition: 'true',
      skipSecondFactorCondition: 'ip in office',
      factors: ['totp'],
    });
    const app = await api('POST', '/applications', {
      kind: 'oidc',
      name: 'Expenses',
      config: { redirectUris: [RP] },
    });
    assert.equal(app.statusCode, 201, app.body);
    const { identifier, secrets } = app.json<{
      identifier: string;
      secrets: { clientSecret: string };
    }>();
    rp = await discover(t.app, 'acme', identifier, secrets.clientSecret);
  });
  after(() => t.close());

  test('the authorization request asks for the factor, then the RP gets a code whose ID token says mfa', async () => {
    const user = await newUser(t, s);
    const secret = await enrolTotp(t, s.tenant.id, user.id);
    const { browser: home, sid } = await passwordSessionMovedTo(t, user.loginId, {
      headers: EN,
      ip: OFFICE,
      elsewhere: HOME,
    });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: RP,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'st',
    });
    const asked = await follow(home, url.href);
    assert.equal(asked.url, '/t/acme/login/factor', `stopped at ${asked.url} (${asked.status})`);
    assert.match(asked.body, /Code from your authenticator app/);
    assert.ok(!asked.url.startsWith(RP), 'no code before the factor');

    clock.advance(30_000);
    const answered = await home.post('/t/acme/login/factor/totp', {
      _csrf: csrfOf(asked.body),
      code: authenticatorCode(secret, clock.now().getTime()),
    });
    assert.equal(answered.statusCode, 303, answered.body);
    const auth = sessionAuth(t, home);
    assert.equal(auth?.sid, sid, 'the same session gained the factor');
    assert.deepEqual(auth?.amr, ['pwd', 'otp', 'mfa']);

    const back = await follow(home, String(answered.headers.location));
    assert.ok(back.url.startsWith(`${RP}?`), `ended at ${back.url}`);
    const tokens = await client.authorizationCodeGrant(rp, new URL(back.url), {
      pkceCodeVerifier: verifier,
      expectedState: 'st',
    });
    const claims = tokens.claims()!;
    assert.equal(claims.sub, user.id);
    assert.ok((claims.amr as string[]).includes('mfa'), JSON.stringify(claims.amr));
  });
});
