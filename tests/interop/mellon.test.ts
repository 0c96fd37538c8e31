/**
 * mod_auth_mellon (Debian's libapache2-mod-auth-mellon 0.18, lasso) signs a user in through
 * Sekisho, SP-initiated: protected page -> `/mellon/login` -> signed AuthnRequest
 * (HTTP-Redirect, RSA-SHA256, NameIDPolicy e-mail) to `/t/{tenant}/saml/sso` -> Sekisho's
 * sign-in form -> signed Response POSTed to `/mellon/postResponse` -> the protected page.
 *
 * Set-up as an admin would do it: mellon gets Sekisho's IdP metadata file; Sekisho gets the
 * SP metadata mellon serves at `/mellon/metadata` (AuthnRequestsSigned, e-mail NameID format,
 * signing/encryption certificate) through the admin API, plus the attributes to release
 * (SAML_ATTRIBUTE_RELEASE: mail and displayName by OID).
 *
 * REMOTE_USER is the NameID, so Sekisho must send the e-mail NameID this SP asks for; mail
 * and displayName arrive as SAML attributes (exported as SAML_MAIL/SAML_DISPLAY_NAME, see
 * DEFAULT_MELLON_ENV). Sekisho runs on https://127.0.0.1 next to the SP (one cookie
 * namespace: Sekisho receives `mellon-cookie`). A second pair checks that lasso decrypts an
 * assertion encrypted with the key from the SP metadata.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureApache, envValues, parseEcho } from './support/apache.ts';
import { MELLON_NEEDS, startMellonSp, type MellonSp } from './support/mellon.ts';
import {
  ScriptedBrowser,
  describePage,
  postedField,
  type Page,
} from './support/scripted-browser.ts';
import { SAML_ATTRIBUTE_RELEASE, startSekisho, type SekishoUnderTest } from './support/sekisho.ts';

const INSTALL_TIMEOUT = 600_000;
const START_TIMEOUT = 60_000;
const TEST_TIMEOUT = 60_000;

/** Sekisho and a mellon SP registered in it with `config`; stopped by after(). */
function mellonAgainstSekisho(tenantSlug: string, config: Record<string, unknown>) {
  const env: { sekisho?: SekishoUnderTest; sp?: MellonSp } = {};
  before(() => ensureApache(MELLON_NEEDS), { timeout: INSTALL_TIMEOUT });
  before(
    async () => {
      env.sekisho = await startSekisho({ host: '127.0.0.1', tenantSlug });
      env.sp = await startMellonSp({ idpMetadataXml: await env.sekisho.samlIdpMetadata() });
      await env.sekisho.registerSamlSp('mellon SP', await env.sp.metadata(), config);
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
    browser() {
      const { origin, user } = this.sekisho;
      return new ScriptedBrowser({
        insecureOrigins: [origin],
        credentials: { loginId: user.loginId, password: user.password },
      });
    },
  };
}

type Setup = ReturnType<typeof mellonAgainstSekisho>;

/** Checks the signed-in page: user, attributes, the IdP. */
function assertSignedIn(page: Page, t: Setup): void {
  const { user } = t.sekisho;
  assert.equal(page.status, 200, t.context(page));
  assert.equal(page.url.toString(), t.sp.protectedUrl, t.context(page));
  const env = parseEcho(page.body);
  assert.equal(env.AUTH_TYPE, 'Mellon');
  assert.equal(env.REMOTE_USER, user.email);
  assert.equal(env.MELLON_NAME_ID, user.email);
  assert.equal(env.MELLON_IDP, t.sp.idpEntityId);
  assert.deepEqual([...new Set(envValues(env, 'SAML_MAIL'))], [user.email], page.body);
  assert.deepEqual(
    [...new Set(envValues(env, 'SAML_DISPLAY_NAME'))],
    [user.displayName],
    page.body,
  );
}

/** The SAML Response the browser posted to the ACS, decoded. */
function postedResponse(page: Page, t: Setup): string {
  const encoded = postedField(page, t.sp.acsUrl, 'SAMLResponse');
  assert.ok(encoded, `a SAMLResponse was posted to ${t.sp.acsUrl}\n${t.context(page)}`);
  return Buffer.from(encoded, 'base64').toString('utf8');
}

describe(
  'mod_auth_mellon signs a user in through Sekisho',
  { timeout: INSTALL_TIMEOUT + 3 * TEST_TIMEOUT },
  () => {
    const t = mellonAgainstSekisho('mellon', { attributes: SAML_ATTRIBUTE_RELEASE });

    it(
      'signs the user in and the application sees the e-mail NameID as REMOTE_USER, mail and displayName',
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = t.browser();
        const page = await browser.open(t.sp.protectedUrl);
        assertSignedIn(page, t);

        const sso = page.steps.find((s) => s.url.startsWith(`${t.sekisho.issuer}/saml/sso?`));
        assert.ok(sso, `the AuthnRequest went to Sekisho's SSO endpoint\n${t.context(page)}`);
        const request = new URL(sso.url).searchParams;
        assert.ok(
          request.get('SAMLRequest') && request.get('Signature'),
          'a signed HTTP-Redirect AuthnRequest',
        );
        const response = postedResponse(page, t);
        assert.match(response, /xmldsig-more#rsa-sha256/);
        assert.doesNotMatch(response, /xmldsig#rsa-sha1|xmldsig#sha1/, 'no SHA-1 anywhere');
        assert.ok(browser.cookies.all().some((c) => c.name === 'mellon-cookie'));
      },
    );

    it(
      'signs a second SP visit in from the Sekisho session without the password again',
      { timeout: TEST_TIMEOUT },
      async () => {
        const browser = t.browser();
        const first = await browser.open(t.sp.protectedUrl);
        assert.equal(first.status, 200, t.context(first));
        // A new SP session (mellon's cookie gone), the IdP session kept: SSO without a sign-in.
        browser.cookies.remove((c) => c.name === 'mellon-cookie');
        const second = await browser.open(t.sp.protectedUrl);
        assertSignedIn(second, t);
        assert.ok(
          !second.steps.some((s) => s.cause === 'login'),
          `no sign-in form the second time\n${t.context(second)}`,
        );
      },
    );
  },
);

describe(
  'mod_auth_mellon decrypts an assertion Sekisho encrypted for it',
  { timeout: INSTALL_TIMEOUT + 2 * TEST_TIMEOUT },
  () => {
    const t = mellonAgainstSekisho('mellonenc', {
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
