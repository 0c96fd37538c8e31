/**
 * The interop harness on its own, without Sekisho: each real SP/RP starts in its private
 * Apache and works with a stand-in IdP/OP (support/stand-in-idp.ts: a minimal SAML IdP over
 * HTTPS; for OIDC, a discovery document on a local HTTPS server with a self-signed
 * certificate).
 * - Shibboleth SP: serves its metadata with the configured entityID, the e-mail NameID
 *   format and the attributes it requests; sends a visitor to the IdP with an AuthnRequest;
 *   completes a login whose attributes reach the application.
 * - mod_auth_mellon: serves its metadata at /mellon/metadata; sends a signed AuthnRequest;
 *   completes a login.
 * - mod_auth_openidc: reads discovery, sends a visitor to the authorization endpoint with
 *   PKCE S256, its client ID, scope and redirect URI.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:https';
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeAtExit } from '@sekisho/platform/test-support';
import { ensureApache, parseEcho } from './support/apache.ts';
import { startMellonSp, type MellonSp } from './support/mellon.ts';
import { startOpenidcRp, type OpenidcRp } from './support/openidc.ts';
import { selfSignedKeyPair } from './support/pki.ts';
import { NAMEID_EMAIL } from './support/saml-peer.ts';
import { ScriptedBrowser, describePage, type Page } from './support/scripted-browser.ts';
import { startShibbolethSp, type ShibbolethSp } from './support/shibd.ts';
import { startStandInSamlIdp, type StandInIdp, type StandInUser } from './support/stand-in-idp.ts';

const INSTALL_TIMEOUT = 600_000;
const START_TIMEOUT = 60_000;
const TEST_TIMEOUT = 30_000;

/** Follows redirects while they stay on `origin`; returns the first response that leaves it. */
async function firstHopAway(browser: ScriptedBrowser, url: string, origin: string): Promise<Page> {
  let page = await browser.navigate('GET', url, { followRedirects: false });
  for (let i = 0; i < 5; i++) {
    const location = page.headers.location;
    if (!location) return page;
    const next = new URL(location, page.url);
    if (next.origin !== origin) return page;
    page = await browser.navigate('GET', next, { followRedirects: false, initiator: page });
  }
  return page;
}

function authnRequestOf(location: string): { params: URLSearchParams; xml: string } {
  const params = new URL(location).searchParams;
  const encoded = params.get('SAMLRequest');
  assert.ok(encoded, `no SAMLRequest in ${location}`);
  return { params, xml: inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8') };
}

const USER: StandInUser = {
  email: 'alice@harness.example',
  displayName: 'Alice Ünïcode Harness',
  password: 'stand-in password',
};

describe('interop harness', { timeout: INSTALL_TIMEOUT + 4 * START_TIMEOUT }, () => {
  let dir: string;
  let idp: StandInIdp | undefined;
  let idpMetadata: string;
  let ssoUrl: string;

  before(
    async () => {
      await ensureApache(['shib', 'auth_mellon', 'auth_openidc']);
      dir = await makeTempDir('sekisho-harness-');
      removeAtExit(dir);
      const key = await selfSignedKeyPair(dir, 'idp', 'stand-in idp');
      idp = await startStandInSamlIdp({ key, user: USER });
      idpMetadata = idp.metadataXml;
      ssoUrl = idp.ssoUrl;
    },
    { timeout: INSTALL_TIMEOUT },
  );
  after(() => idp?.close());

  /** A browser that signs in at the stand-in IdP and trusts its certificate. */
  const browserForIdp = () =>
    new ScriptedBrowser({
      insecureOrigins: [idp!.origin],
      credentials: { loginId: USER.email, password: USER.password },
    });

  describe('Shibboleth SP (shibd + mod_shib)', () => {
    let sp: ShibbolethSp | undefined;
    const entityId = 'https://sp.harness.sekisho.test/shibboleth';

    before(
      async () => {
        sp = await startShibbolethSp({ idpMetadataXml: idpMetadata, entityId });
      },
      { timeout: START_TIMEOUT },
    );
    after(() => sp?.stop());

    it(
      'serves metadata with its entityID, ACS, e-mail NameID and requested attributes',
      { timeout: TEST_TIMEOUT },
      async () => {
        const xml = await sp!.metadata();
        assert.match(xml, new RegExp(`entityID="${entityId}"`));
        assert.ok(xml.includes(`Location="${sp!.acsUrl}"`), xml);
        assert.ok(xml.includes(`>${NAMEID_EMAIL}<`), xml);
        assert.ok(xml.includes('Name="urn:oid:0.9.2342.19200300.100.1.3"'), xml);
      },
    );

    it(
      'sends a visitor of the protected page to the IdP with an AuthnRequest',
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = new ScriptedBrowser();
        const page = await firstHopAway(browser, sp!.protectedUrl, sp!.origin);
        assert.equal(page.status, 302, `${describePage(page)}\n${sp!.output()}`);
        const location = String(page.headers.location);
        assert.ok(location.startsWith(`${ssoUrl}?`), location);
        const { params, xml } = authnRequestOf(location);
        assert.ok(params.get('RelayState'), 'a RelayState to come back to the page');
        assert.match(xml, new RegExp(`<saml:Issuer[^>]*>${entityId}</saml:Issuer>`));
        assert.match(xml, new RegExp(`AssertionConsumerServiceURL="${sp!.acsUrl}"`));
        assert.match(xml, new RegExp(`Destination="${ssoUrl}"`));
        assert.match(xml, new RegExp(`Format="${NAMEID_EMAIL}"`));
        assert.ok(
          browser.cookies.all().some((c) => c.name.startsWith('_opensaml_req_')),
          'state cookie',
        );
      },
    );

    it(
      'completes a login through a stand-in IdP: the application sees REMOTE_USER, mail, displayName',
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = browserForIdp();
        const page = await browser.open(sp!.protectedUrl);
        assert.equal(page.status, 200, `${describePage(page)}\n${sp!.output()}`);
        const env = parseEcho(page.body);
        assert.equal(env.AUTH_TYPE, 'shibboleth');
        assert.equal(env.REMOTE_USER, USER.email);
        assert.equal(env.mail, USER.email);
        assert.equal(env.displayName, USER.displayName);
        assert.equal(env.nameid_email, USER.email);
        assert.equal(env.Shib_Identity_Provider, idp!.entityId);
        assert.deepEqual(
          page.steps.map((s) => s.cause),
          ['open', 'redirect', 'redirect', 'login', 'redirect', 'auto-submit', 'redirect'],
        );
      },
    );

    it('serves the echo CGI to whoever may see it', { timeout: TEST_TIMEOUT }, async () => {
      const page = await new ScriptedBrowser().open(`${sp!.origin}/echo/x?y=1`);
      const env = parseEcho(page.body);
      assert.equal(env.QUERY_STRING, 'y=1');
      assert.equal(env.PATH_INFO, '/x');
    });
  });

  describe('mod_auth_mellon', () => {
    let sp: MellonSp | undefined;

    before(
      async () => {
        sp = await startMellonSp({ idpMetadataXml: idpMetadata });
      },
      { timeout: START_TIMEOUT },
    );
    after(() => sp?.stop());

    it('serves its metadata at /mellon/metadata', { timeout: TEST_TIMEOUT }, async () => {
      const xml = await sp!.metadata();
      assert.ok(xml.includes(`entityID="${sp!.entityId}"`), xml);
      assert.equal(sp!.entityId, `${sp!.origin}/mellon/metadata`);
      assert.ok(xml.includes(`Location="${sp!.acsUrl}"`), xml);
    });

    it(
      'sends a visitor of the protected page to the IdP with a signed AuthnRequest',
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = new ScriptedBrowser();
        const page = await firstHopAway(browser, sp!.protectedUrl, sp!.origin);
        assert.ok([302, 303].includes(page.status), `${describePage(page)}\n${sp!.output()}`);
        const location = String(page.headers.location);
        assert.ok(location.startsWith(`${ssoUrl}?`), location);
        const { params, xml } = authnRequestOf(location);
        assert.equal(params.get('SigAlg'), 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
        assert.ok(params.get('Signature'));
        assert.equal(params.get('RelayState'), sp!.protectedUrl);
        assert.match(xml, new RegExp(`<saml:Issuer>${sp!.entityId}</saml:Issuer>`));
        assert.match(xml, new RegExp(`AssertionConsumerServiceURL="${sp!.acsUrl}"`));
        assert.match(xml, new RegExp(`Format="${NAMEID_EMAIL}"`));
      },
    );

    it(
      'completes a login through a stand-in IdP: the application sees REMOTE_USER, mail, displayName',
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = browserForIdp();
        const page = await browser.open(sp!.protectedUrl);
        assert.equal(page.status, 200, `${describePage(page)}\n${sp!.output()}`);
        assert.equal(page.url.toString(), sp!.protectedUrl);
        const env = parseEcho(page.body);
        assert.equal(env.AUTH_TYPE, 'Mellon');
        assert.equal(env.REMOTE_USER, USER.email);
        assert.equal(env.MELLON_NAME_ID, USER.email);
        assert.equal(env.MELLON_IDP, idp!.entityId);
        assert.equal(env.SAML_MAIL, USER.email);
        assert.equal(env.SAML_DISPLAY_NAME, USER.displayName);
        assert.ok(browser.cookies.all().some((c) => c.name === 'mellon-cookie'));
      },
    );
  });

  describe('mod_auth_openidc', () => {
    let op: Server | undefined;
    let rp: OpenidcRp | undefined;
    let issuer = '';
    const discoveryRequests: string[] = [];

    before(
      async () => {
        const opKey = await selfSignedKeyPair(dir, 'op', 'localhost');
        const tls = { key: await readFile(opKey.keyPath), cert: opKey.certPem };
        const server = createServer(tls, (req, res) => {
          discoveryRequests.push(`${req.method} ${req.url}`);
          if (req.url === '/t/stand-in/.well-known/openid-configuration') {
            res.setHeader('content-type', 'application/json');
            res.end(
              JSON.stringify({
                issuer,
                authorization_endpoint: `${issuer}/oidc/auth`,
                token_endpoint: `${issuer}/oidc/token`,
                userinfo_endpoint: `${issuer}/oidc/me`,
                jwks_uri: `${issuer}/oidc/jwks`,
                response_types_supported: ['code'],
                subject_types_supported: ['public'],
                id_token_signing_alg_values_supported: ['RS256'],
                code_challenge_methods_supported: ['S256'],
                token_endpoint_auth_methods_supported: ['client_secret_basic'],
              }),
            );
          } else {
            res.statusCode = 404;
            res.end();
          }
        });
        op = server;
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        issuer = `https://localhost:${(server.address() as AddressInfo).port}/t/stand-in`;
        rp = await startOpenidcRp({
          providerMetadataUrl: `${issuer}/.well-known/openid-configuration`,
          register: async () => ({ clientId: 'harness-client', clientSecret: 'harness-secret' }),
        });
      },
      { timeout: START_TIMEOUT },
    );
    after(async () => {
      await rp?.stop();
      await new Promise((resolve) => (op ? op.close(resolve) : resolve(undefined)));
    });

    it(
      'sends a visitor to the authorization endpoint with PKCE S256',
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = new ScriptedBrowser();
        const page = await browser.navigate('GET', rp!.protectedUrl, { followRedirects: false });
        assert.equal(page.status, 302, `${describePage(page)}\n${rp!.output()}`);
        const location = new URL(String(page.headers.location));
        assert.equal(`${location.origin}${location.pathname}`, `${issuer}/oidc/auth`);
        const q = location.searchParams;
        assert.equal(q.get('response_type'), 'code');
        assert.equal(q.get('client_id'), 'harness-client');
        assert.equal(q.get('redirect_uri'), rp!.redirectUri);
        assert.equal(q.get('redirect_uri'), `${rp!.origin}/protected/redirect_uri`);
        assert.equal(q.get('scope'), 'openid email profile');
        assert.equal(q.get('code_challenge_method'), 'S256');
        assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
        assert.ok(q.get('state') && q.get('nonce'));
        assert.ok(discoveryRequests.includes('GET /t/stand-in/.well-known/openid-configuration'));
        assert.ok(browser.cookies.all().some((c) => c.name.startsWith('mod_auth_openidc_state_')));
      },
    );
  });
});
