/**
 * Shibboleth SP 3 (Debian's libapache2-mod-shib, the reference SAML SP) signs a user in
 * through Sekisho, SP-initiated, as a person with a browser would:
 * protected page -> AuthnRequest (HTTP-Redirect) to `/t/{tenant}/saml/sso` -> Sekisho's
 * sign-in form -> signed Response POSTed (HTTP-POST) to the SP's ACS -> the protected page,
 * where the application sees the user.
 *
 * Set-up as an admin would do it: the SP gets Sekisho's IdP metadata
 * (`/t/{tenant}/saml/metadata`) as a file; Sekisho gets the SP's own metadata
 * (`/Shibboleth.sso/Metadata`: entityID, ACS list with HTTP-POST among Artifact/PAOS ones,
 * signing and encryption keys, e-mail NameID format) through the admin API, plus the
 * attributes to release (SAML_ATTRIBUTE_RELEASE: mail and displayName by OID).
 *
 * Sekisho runs on https://127.0.0.1, the SP on http://127.0.0.1: one cookie namespace, as on
 * a developer machine, so Sekisho receives `_shibsession_*`/`_opensaml_req_*` cookies and must
 * cope. A second Sekisho/SP pair checks that the SP decrypts an encrypted assertion made with
 * the encryption key from its metadata.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureApache, envValues, parseEcho } from './support/apache.ts';
import {
  ScriptedBrowser,
  describePage,
  postedField,
  type Page,
} from './support/scripted-browser.ts';
import { SAML_ATTRIBUTE_RELEASE, startSekisho, type SekishoUnderTest } from './support/sekisho.ts';
import { SHIBBOLETH_NEEDS, startShibbolethSp, type ShibbolethSp } from './support/shibd.ts';

const INSTALL_TIMEOUT = 600_000;
const START_TIMEOUT = 60_000;
const TEST_TIMEOUT = 60_000;

/** Attribute ids in the SP's map (DEFAULT_SHIB_ATTRIBUTES) the application must receive. */
const MAIL = 'mail';
const DISPLAY_NAME = 'displayName';

/** Sekisho and a Shibboleth SP registered in it with `config`; stopped by after(). */
function shibbolethAgainstSekisho(tenantSlug: string, config: Record<string, unknown>) {
  const env: { sekisho?: SekishoUnderTest; sp?: ShibbolethSp } = {};
  before(() => ensureApache(SHIBBOLETH_NEEDS), { timeout: INSTALL_TIMEOUT });
  before(
    async () => {
      env.sekisho = await startSekisho({ host: '127.0.0.1', tenantSlug });
      env.sp = await startShibbolethSp({ idpMetadataXml: await env.sekisho.samlIdpMetadata() });
      await env.sekisho.registerSamlSp('Shibboleth SP', await env.sp.metadata(), config);
    },
    { timeout: START_TIMEOUT },
  );
  after(async () => {
    await env.sp?.stop();
    await env.sekisho?.close();
  });
  return {
    get sekisho() {
      assert.ok(env.sekisho, 'Sekisho started');
      return env.sekisho;
    },
    get sp() {
      assert.ok(env.sp, 'the SP started');
      return env.sp;
    },
    context: (page: Page) =>
      `${describePage(page)}\n${env.sp?.output() ?? ''}\n${env.sekisho?.output() ?? ''}`,
    browser(password?: string) {
      const sekisho = this.sekisho;
      return new ScriptedBrowser({
        insecureOrigins: [sekisho.origin],
        credentials: { loginId: sekisho.user.loginId, password: password ?? sekisho.user.password },
      });
    },
  };
}

/** The SAML Response the browser posted to the SP's ACS, decoded. */
function postedResponse(page: Page, t: ReturnType<typeof shibbolethAgainstSekisho>): string {
  const encoded = postedField(page, t.sp.acsUrl, 'SAMLResponse');
  assert.ok(encoded, `a SAMLResponse was posted to ${t.sp.acsUrl}\n${t.context(page)}`);
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/** The echoed environment of a signed-in page, after checking the user and attributes. */
function assertSignedIn(page: Page, t: ReturnType<typeof shibbolethAgainstSekisho>) {
  const { user } = t.sekisho;
  assert.equal(page.status, 200, t.context(page));
  assert.equal(page.url.origin, t.sp.origin, t.context(page));
  const env = parseEcho(page.body);
  assert.equal(env.AUTH_TYPE, 'shibboleth');
  assert.equal(env.REMOTE_USER, user.email);
  assert.deepEqual([...new Set(envValues(env, MAIL))], [user.email], `${MAIL} in ${page.body}`);
  assert.deepEqual(
    [...new Set(envValues(env, DISPLAY_NAME))],
    [user.displayName],
    `${DISPLAY_NAME} in ${page.body}`,
  );
  // CGI turns '-' into '_': Shib-Identity-Provider, Shib-Session-ID.
  assert.equal(env.Shib_Identity_Provider, t.sp.idpEntityId);
  assert.ok(env.Shib_Session_ID, 'a Shibboleth session');
  return env;
}

describe(
  'Shibboleth SP signs a user in through Sekisho',
  { timeout: INSTALL_TIMEOUT + 4 * TEST_TIMEOUT },
  () => {
    const t = shibbolethAgainstSekisho('shib', { attributes: SAML_ATTRIBUTE_RELEASE });

    it(
      'signs the user in and the application sees the e-mail as REMOTE_USER, mail and displayName',
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = t.browser();
        const page = await browser.open(t.sp.protectedUrl);
        assertSignedIn(page, t);

        const sso = page.steps.find((s) => s.url.startsWith(`${t.sekisho.issuer}/saml/sso?`));
        assert.ok(sso, `the AuthnRequest went to Sekisho by HTTP-Redirect\n${t.context(page)}`);
        assert.ok(new URL(sso.url).searchParams.get('SAMLRequest'));
        assert.ok(
          page.steps.some((s) => s.cause === 'login' && s.url.startsWith(t.sekisho.origin)),
          'signed in at Sekisho',
        );
        const response = postedResponse(page, t);
        assert.match(
          response,
          /SignatureMethod Algorithm="http:\/\/www\.w3\.org\/2001\/04\/xmldsig-more#rsa-sha256"/,
        );
        assert.doesNotMatch(response, /xmldsig#rsa-sha1|xmldsig#sha1/, 'no SHA-1 anywhere');
        assert.ok(browser.cookies.all().some((c) => c.name.startsWith('_shibsession_')));
      },
    );

    it(
      'serves a second visit from the SP session without going back to Sekisho',
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = t.browser();
        const first = await browser.open(t.sp.protectedUrl);
        assert.equal(first.status, 200, t.context(first));
        const again = await browser.open(`${t.sp.protectedUrl}/again`);
        assert.equal(again.status, 200, t.context(again));
        assert.ok(
          again.steps.every((s) => s.url.startsWith(t.sp.origin)),
          t.context(again),
        );
        assert.equal(parseEcho(again.body).REMOTE_USER, t.sekisho.user.email);
      },
    );

    it(
      "keeps a user with a wrong password on Sekisho's sign-in form and gives the SP nothing",
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = t.browser('not the password');
        const page = await browser.open(t.sp.protectedUrl);
        assert.equal(page.url.origin, t.sekisho.origin, t.context(page));
        assert.match(page.body, /name="loginId"/, t.context(page));
        assert.ok(!page.steps.some((s) => s.url === t.sp.acsUrl), 'no Response reached the SP');
        assert.ok(!browser.cookies.all().some((c) => c.name.startsWith('_shibsession_')));
      },
    );
  },
);

describe(
  'Shibboleth SP decrypts an assertion Sekisho encrypted for it',
  { timeout: INSTALL_TIMEOUT + 2 * TEST_TIMEOUT },
  () => {
    const t = shibbolethAgainstSekisho('shibenc', {
      attributes: SAML_ATTRIBUTE_RELEASE,
      encryptAssertion: true,
    });

    it(
      'signs the user in with an EncryptedAssertion (key from the SP metadata)',
      { timeout: TEST_TIMEOUT },
      async () => {
        const page = await t.browser().open(t.sp.protectedUrl);
        assertSignedIn(page, t);
        const response = postedResponse(page, t);
        assert.match(response, /EncryptedAssertion/, response);
        assert.doesNotMatch(response, /<(\w+:)?Assertion[\s>]/, 'no assertion in clear');
      },
    );
  },
);
