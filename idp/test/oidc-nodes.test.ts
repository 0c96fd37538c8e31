/**
 * OIDC across two nodes and to RPs' back channel: two app instances share PostgreSQL and
 * Redis (as two gateway nodes behind a load balancer); a sign-in started on one completes on
 * the other, and signing out sends a back-channel logout token to the RP's endpoint.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import {
  testPostgresUrl,
  testRedisUrl,
  type TestPostgres,
  type TestRedis,
} from '@sekisho/platform/test-support';
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

describe('OIDC on two nodes with back-channel logout', () => {
  let pg: TestPostgres;
  let redis: TestRedis;
  let a: TestApp;
  let b: TestApp;
  let s: SeededTenant;
  let rpServer: Server;
  const logoutTokens: string[] = [];

  before(async () => {
    pg = await testPostgresUrl();
    redis = await testRedisUrl();
    const env = {
      PUBLIC_URL: PUBLIC,
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix,
      SEKISHO_MASTER_KEY: randomBytes(32).toString('base64'),
      OIDC_BACKCHANNEL_ALLOW_PRIVATE: 'true',
    };
    a = await startTestApp(env);
    b = await startTestApp(env);
    s = await seedTenant(a.platform, 'acme');
    rpServer = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        logoutTokens.push(new URLSearchParams(body).get('logout_token') ?? '');
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => rpServer.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    rpServer.close();
    await a.close();
    await b.close();
    await redis.stop();
    await pg.stop();
  });

  test('authorize on node A, sign in on node B, redeem the code on node A, then sign out sends a logout token', async () => {
    const port = (rpServer.address() as { port: number }).port;
    const res = await a.app.inject({
      method: 'POST',
      url: '/api/tenants/acme/applications',
      headers: { authorization: `Bearer ${s.token}` },
      payload: {
        kind: 'oidc',
        name: 'rp',
        config: {
          redirectUris: [RP],
          postLogoutRedirectUris: ['https://rp.test/bye'],
          backchannelLogoutUri: `http://127.0.0.1:${port}/bcl`,
        },
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const { identifier: clientId, secrets } = res.json<{
      identifier: string;
      secrets: { clientSecret: string };
    }>();
    const onA = await discover(a.app, 'acme', clientId, secrets.clientSecret);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(onA, {
      redirect_uri: RP,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 's1',
    });
    const browserA = new TestBrowser(a.app);
    const toLogin = await follow(browserA, url.href);
    assert.match(toLogin.url, /\/login/);
    // The same browser (same cookies) now reaches node B.
    const browserB = new TestBrowser(b.app);
    for (const part of browserA.cookieHeader.split('; ')) browserB.setCookie(part);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(toLogin.body)![1]!;
    const ret = /name="return" value="([^"]+)"/.exec(toLogin.body)![1]!.replace(/&amp;/g, '&');
    const signedIn = await browserB.post('/t/acme/login', {
      _csrf: csrf,
      loginId: s.admin.loginId,
      password: TEST_PASSWORD,
      return: ret,
    });
    const back = await follow(browserB, String(signedIn.headers.location));
    assert.ok(back.url.startsWith(RP), back.url);
    const tokens = await client.authorizationCodeGrant(onA, new URL(back.url), {
      pkceCodeVerifier: verifier,
      expectedState: 's1',
    });
    assert.equal(tokens.claims()!.sub, s.admin.id);

    const csrfB = await browserB.csrfFrom('/t/acme/portal');
    const out = await browserB.post('/t/acme/logout', { _csrf: csrfB });
    const end = await browserB.get(String(out.headers.location));
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(end.body)![1]!;
    const action = new URL(/action="([^"]+)"/.exec(end.body)![1]!, PUBLIC).pathname;
    await browserB.post(action, { xsrf, logout: 'yes' });
    for (let i = 0; i < 50 && !logoutTokens.length; i++)
      await new Promise((r) => setTimeout(r, 20));
    const bcl = await a.platform.audit.search(s.tenant.id, { action: 'oidc.backchannel-logout' });
    assert.equal(
      logoutTokens.length,
      1,
      `one back-channel logout token (${JSON.stringify(bcl.map((e) => e.reason))})`,
    );
    const claims = JSON.parse(
      Buffer.from(logoutTokens[0]!.split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    assert.equal(claims.sub, s.admin.id);
    assert.equal(claims.aud, clientId);
    assert.ok(
      (claims.events as Record<string, unknown>)[
        'http://schemas.openid.net/event/backchannel-logout'
      ],
    );
    assert.equal(
      (await browserA.get('/t/acme/portal')).statusCode,
      303,
      'signed out on node A as well',
    );
  });
});
