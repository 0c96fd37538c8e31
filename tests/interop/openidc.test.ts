/**
 * mod_auth_openidc (Debian's libapache2-mod-auth-openidc 2.4) signs a user in through
 * Sekisho's OpenID provider: discovery at `{issuer}/.well-known/openid-configuration`,
 * authorization code flow with PKCE S256, Sekisho's sign-in form, the code redeemed with
 * client_secret_basic, the ID token verified against Sekisho's JWKS; the application behind
 * the RP sees the user.
 *
 * Set-up as an admin would do it: the client is registered through the admin API with the
 * RP's redirect URI (http://127.0.0.1:<port>/protected/redirect_uri, loopback http) and the
 * secret Sekisho shows once goes into the RP's config. Sekisho runs on https://localhost
 * (issuer `https://localhost:<port>/t/{tenant}`), the RP on http://127.0.0.1.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureApache, parseEcho } from './support/apache.ts';
import { OPENIDC_NEEDS, startOpenidcRp, type OpenidcRp } from './support/openidc.ts';
import { ScriptedBrowser, describePage, type Page } from './support/scripted-browser.ts';
import { startSekisho, type SekishoUnderTest } from './support/sekisho.ts';

const INSTALL_TIMEOUT = 600_000;
const START_TIMEOUT = 60_000;
const TEST_TIMEOUT = 60_000;

describe(
  'mod_auth_openidc signs a user in through Sekisho',
  { timeout: INSTALL_TIMEOUT + 3 * TEST_TIMEOUT },
  () => {
    let sekisho: SekishoUnderTest | undefined;
    let rp: OpenidcRp | undefined;

    before(() => ensureApache(OPENIDC_NEEDS), { timeout: INSTALL_TIMEOUT });
    before(
      async () => {
        sekisho = await startSekisho({ host: 'localhost', tenantSlug: 'oidc' });
        const discovery = await sekisho.get(`/t/oidc/.well-known/openid-configuration`);
        assert.equal(discovery.status, 200, `discovery: ${discovery.text}`);
        rp = await startOpenidcRp({
          providerMetadataUrl: sekisho.discoveryUrl,
          register: (redirectUri) => sekisho!.registerOidcClient('mod_auth_openidc', redirectUri),
        });
      },
      { timeout: START_TIMEOUT },
    );
    after(async () => {
      await rp?.stop();
      await sekisho?.close();
    });

    const context = (page: Page) =>
      `${describePage(page)}\n${rp?.output() ?? ''}\n${sekisho?.output() ?? ''}`;

    it(
      'signs the user in and the application sees the e-mail as REMOTE_USER and the ID token claims',
      { timeout: TEST_TIMEOUT },
      async () => {
        const { user, issuer } = sekisho!;
        const browser = new ScriptedBrowser({
          insecureOrigins: [sekisho!.origin],
          credentials: { loginId: user.loginId, password: user.password },
        });
        const page = await browser.open(rp!.protectedUrl);

        assert.equal(page.status, 200, context(page));
        assert.equal(page.url.origin, rp!.origin, context(page));
        const env = parseEcho(page.body);
        assert.equal(env.AUTH_TYPE, 'openid-connect');
        assert.equal(env.REMOTE_USER, user.email);
        assert.equal(env.OIDC_CLAIM_iss, issuer);
        assert.equal(env.OIDC_CLAIM_aud, rp!.clientId);
        assert.equal(env.OIDC_CLAIM_sub, user.user.id);
        assert.equal(env.OIDC_CLAIM_email, user.email);
        assert.equal(env.OIDC_CLAIM_name, user.displayName);

        const authorize = page.steps.find(
          (s) =>
            s.url.startsWith(`${issuer}/oidc/`) && new URL(s.url).searchParams.has('client_id'),
        );
        assert.ok(authorize, `an authorization request to Sekisho\n${context(page)}`);
        const q = new URL(authorize.url).searchParams;
        assert.equal(q.get('client_id'), rp!.clientId);
        assert.equal(q.get('code_challenge_method'), 'S256');
        assert.equal(q.get('redirect_uri'), rp!.redirectUri);
        const callback = page.steps.find((s) => s.url.startsWith(`${rp!.redirectUri}?`));
        assert.ok(callback, `the code came back to the redirect URI\n${context(page)}`);
        const back = new URL(callback.url).searchParams;
        assert.ok(back.get('code') && back.get('state') === q.get('state'), callback.url);
        assert.ok(!back.has('error'), callback.url);
      },
    );

    it(
      'serves a second visit from the RP session without going back to Sekisho',
      { timeout: TEST_TIMEOUT },
      async () => {
        const { user } = sekisho!;
        const browser = new ScriptedBrowser({
          insecureOrigins: [sekisho!.origin],
          credentials: { loginId: user.loginId, password: user.password },
        });
        const first = await browser.open(rp!.protectedUrl);
        assert.equal(first.status, 200, context(first));
        const again = await browser.open(`${rp!.protectedUrl}again`);
        assert.equal(again.status, 200, context(again));
        assert.ok(
          again.steps.every((s) => s.url.startsWith(rp!.origin)),
          context(again),
        );
        assert.equal(parseEcho(again.body).REMOTE_USER, user.email);
      },
    );
  },
);
