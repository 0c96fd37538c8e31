/**
 * OpenID Connect against a real RP library (openid-client): code flow with PKCE, SSO across
 * clients, refresh rotation and reuse detection, code replay, client credentials, ES256,
 * key rotation overlap, RP-initiated logout, and the negative cases that must issue nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import * as client from 'openid-client';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import { PUBLIC, discover, follow } from './support/oidc-rp.ts';

const RP = 'https://rp.test/callback';
const isOAuthError = (code: string) => (err: unknown) => (err as { error?: string }).error === code;

describe('OpenID Connect provider', () => {
  let t: TestApp;
  let s: SeededTenant;
  const register = async (config: Record<string, unknown>) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/tenants/acme/applications',
      headers: { authorization: `Bearer ${s.token}` },
      payload: { kind: 'oidc', name: `rp ${Math.random()}`, config },
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json<{ identifier: string; secrets?: { clientSecret: string } }>();
    return { clientId: body.identifier, secret: body.secrets?.clientSecret };
  };
  const signIn = async (
    config: client.Configuration,
    browser: TestBrowser,
    extra: Record<string, string> = {},
  ) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: RP,
      scope: 'openid email profile groups',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...extra,
    });
    let hop = await follow(browser, url.href);
    if (hop.url.includes('/login')) {
      const csrf = /name="_csrf" value="([^"]+)"/.exec(hop.body)![1]!;
      const ret = /name="return" value="([^"]+)"/.exec(hop.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
      const res = await browser.post('/t/acme/login', {
        _csrf: csrf,
        loginId: s.admin.loginId,
        password: TEST_PASSWORD,
        return: ret,
      });
      hop = await follow(browser, String(res.headers.location));
    }
    return { callback: hop.url, verifier, state };
  };

  before(async () => {
    t = await startTestApp({ PUBLIC_URL: PUBLIC });
    s = await seedTenant(t.platform, 'acme');
  });
  after(() => t.close());

  test('discovery document has the fields OIDC Discovery 1.0 requires, at the issuer path', async () => {
    const res = await t.app.inject({ url: '/t/acme/.well-known/openid-configuration' });
    assert.equal(res.statusCode, 200);
    const d = res.json<Record<string, unknown>>();
    assert.equal(d.issuer, `${PUBLIC}/t/acme`);
    for (const k of [
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
      'response_types_supported',
      'subject_types_supported',
      'id_token_signing_alg_values_supported',
      'userinfo_endpoint',
      'end_session_endpoint',
    ])
      assert.ok(d[k], k);
    assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
    assert.ok((d.id_token_signing_alg_values_supported as string[]).includes('ES256'));
  });

  test('code flow with PKCE signs the user in, then refresh rotates and a reused refresh token revokes the grant', async () => {
    const { clientId, secret } = await register({ redirectUris: [RP] });
    const config = await discover(t.app, 'acme', clientId, secret);
    const browser = new TestBrowser(t.app);
    const { callback, verifier, state } = await signIn(config, browser);
    assert.ok(callback.startsWith(RP), callback);
    const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.sub, s.admin.id);
    assert.equal(claims.email, s.admin.loginId);
    const info = await client.fetchUserInfo(config, tokens.access_token, s.admin.id);
    assert.equal(info.email, s.admin.loginId);
    assert.ok(tokens.refresh_token);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.ok(
      refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token,
      'rotated',
    );
    await assert.rejects(
      client.refreshTokenGrant(config, tokens.refresh_token),
      isOAuthError('invalid_grant'),
    );
    await assert.rejects(
      client.refreshTokenGrant(config, refreshed.refresh_token),
      isOAuthError('invalid_grant'),
      'reuse revoked the whole grant',
    );
  });

  test('a second application signs in without a password (SSO); a replayed code fails and revokes its tokens', async () => {
    const { clientId, secret } = await register({ redirectUris: [RP] });
    const config = await discover(t.app, 'acme', clientId, secret);
    const browser = new TestBrowser(t.app);
    await browser.login('acme', s.admin.loginId, TEST_PASSWORD);
    const { callback, verifier, state } = await signIn(config, browser);
    assert.ok(callback.startsWith(RP), 'no sign-in page on the way');
    const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    await assert.rejects(
      client.authorizationCodeGrant(config, new URL(callback), {
        pkceCodeVerifier: verifier,
        expectedState: state,
      }),
      isOAuthError('invalid_grant'),
    );
    await assert.rejects(
      client.fetchUserInfo(config, tokens.access_token, s.admin.id),
      'the replay revoked the access token',
    );
  });

  test('PKCE: a wrong verifier and a public client without PKCE get nothing', async () => {
    const { clientId, secret } = await register({ redirectUris: [RP] });
    const config = await discover(t.app, 'acme', clientId, secret);
    const browser = new TestBrowser(t.app);
    const { callback, state } = await signIn(config, browser);
    await assert.rejects(
      client.authorizationCodeGrant(config, new URL(callback), {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: state,
      }),
      isOAuthError('invalid_grant'),
    );
    const pub = await register({ redirectUris: [RP], tokenEndpointAuthMethod: 'none' });
    const res = await browser.get(
      `/t/acme/oidc/auth?client_id=${pub.clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(RP)}&state=x`,
    );
    assert.equal(res.statusCode, 303);
    const loc = new URL(String(res.headers.location));
    assert.equal(loc.searchParams.get('error'), 'invalid_request');
    assert.match(loc.searchParams.get('error_description') ?? '', /PKCE/);
  });

  test('unknown client and unregistered redirect URI get a page, never a redirect', async () => {
    const { clientId } = await register({ redirectUris: [RP] });
    const browser = new TestBrowser(t.app, { 'accept-language': 'en' });
    const unknown = await browser.get(
      `/t/acme/oidc/auth?client_id=nope&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(RP)}`,
    );
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.headers.location, undefined);
    const foreign = await browser.get(
      `/t/acme/oidc/auth?client_id=${clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://evil.test/cb')}`,
    );
    assert.equal(foreign.statusCode, 400);
    assert.equal(foreign.headers.location, undefined);
    assert.match(foreign.body, /redirect_uri/);
  });

  test('client credentials for a machine client; ES256 ID tokens for a client that asks for them', async () => {
    const machine = await register({ grantTypes: ['client_credentials'] });
    const mconfig = await discover(t.app, 'acme', machine.clientId, machine.secret);
    const cc = await client.clientCredentialsGrant(mconfig, {});
    assert.ok(cc.access_token);
    const es = await register({ redirectUris: [RP], idTokenSignedResponseAlg: 'ES256' });
    const config = await discover(t.app, 'acme', es.clientId, es.secret);
    const { callback, verifier, state } = await signIn(config, new TestBrowser(t.app));
    const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const header = JSON.parse(
      Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString(),
    ) as { alg: string };
    assert.equal(header.alg, 'ES256');
  });

  test('after a key rotation the JWKS publishes old and new keys, so an earlier ID token still verifies', async () => {
    const { clientId, secret } = await register({ redirectUris: [RP] });
    const config = await discover(t.app, 'acme', clientId, secret);
    const { callback, verifier, state } = await signIn(config, new TestBrowser(t.app));
    const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const oldKid = (
      JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()) as {
        kid: string;
      }
    ).kid;
    const rotated = await t.app.inject({
      method: 'POST',
      url: '/api/tenants/acme/signing-keys/oidc-RS256/rotate',
      headers: { authorization: `Bearer ${s.token}` },
    });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const newKid = rotated.json<{ kid: string }>().kid;
    const jwks = (await t.app.inject({ url: '/t/acme/oidc/jwks' })).json<{
      keys: ({ kid: string } & JsonWebKey)[];
    }>().keys;
    const kids = jwks.map((k) => k.kid);
    assert.ok(
      kids.includes(oldKid) && kids.includes(newKid),
      `both keys published: ${kids.join(',')}`,
    );
    const [h, p, sig] = tokens.id_token!.split('.');
    const key = createPublicKey({
      key: jwks.find((k) => k.kid === oldKid) as JsonWebKey,
      format: 'jwk',
    });
    assert.ok(
      verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig!, 'base64url')),
      'the old ID token verifies',
    );
    const after = await signIn(config, new TestBrowser(t.app));
    const next = await client.authorizationCodeGrant(config, new URL(after.callback), {
      pkceCodeVerifier: after.verifier,
      expectedState: after.state,
    });
    assert.equal(
      (
        JSON.parse(Buffer.from(next.id_token!.split('.')[0]!, 'base64url').toString()) as {
          kid: string;
        }
      ).kid,
      newKid,
      'new tokens use the new key',
    );
  });

  test('RP-initiated logout ends the Sekisho session; an unregistered post-logout URI is refused', async () => {
    const { clientId, secret } = await register({
      redirectUris: [RP],
      postLogoutRedirectUris: ['https://rp.test/bye'],
    });
    const config = await discover(t.app, 'acme', clientId, secret);
    const browser = new TestBrowser(t.app);
    const { callback, verifier, state } = await signIn(config, browser);
    const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const bad = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://evil.test/',
    });
    const refused = await browser.get(bad.pathname + bad.search);
    assert.equal(refused.statusCode, 400);
    const end = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://rp.test/bye',
    });
    const page = await browser.get(end.pathname + end.search);
    assert.equal(page.statusCode, 200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)![1]!;
    const action = /action="([^"]+)"/.exec(page.body)![1]!;
    const done = await browser.post(new URL(action, PUBLIC).pathname, { xsrf, logout: 'yes' });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, 'https://rp.test/bye');
    const portal = await browser.get('/t/acme/portal');
    assert.equal(portal.statusCode, 303, 'the Sekisho session ended too');
  });
});
