/**
 * The NameID each SP receives: persistent identifiers are stable per user and SP and differ
 * between SPs; a persistent identifier from a custom attribute (Entra's ImmutableID) is sent
 * as stored; transient ones change every time; a user without the configured value, or a
 * NameIDPolicy asking for another format, gets an error status and no assertion.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, type User } from '@sekisho/platform';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import { nodeSamlSp, pathOf, postFormOf, registerSp } from './support/saml-sp.ts';
import type { SamlConfig } from '@node-saml/node-saml';

const PERSISTENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

describe('SAML NameID', () => {
  let t: TestApp;
  let s: SeededTenant;
  let user: User;
  let b: TestBrowser;
  const signIn = async (entityId: string, options: Partial<SamlConfig> = {}) => {
    // node-saml asks for emailAddress unless told; null sends no NameIDPolicy.
    const sp = await nodeSamlSp(t, entityId, { identifierFormat: null, ...options });
    const form = postFormOf(await b.get(pathOf(await sp.getAuthorizeUrlAsync('', undefined, {}))));
    assert.ok(form, 'a Response is posted');
    return { sp, form };
  };
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    s = await seedTenant(t.platform, 'acme');
    user = await t.platform.users.create(
      s.tenant.id,
      {
        loginId: 'taro@acme.example',
        displayName: 'Taro',
        attributes: { immutableId: 'AbC123+x/y==' },
      },
      await hashPassword(TEST_PASSWORD),
    );
    const sp = (entityId: string, extra: Record<string, unknown>) =>
      registerSp(t, s.tenant.id, entityId, {
        entityId,
        acs: [{ url: `${entityId}/acs` }],
        ...extra,
      });
    await sp('https://p1.test', { nameIdFormat: 'persistent' });
    await sp('https://p2.test', { nameIdFormat: 'persistent' });
    await sp('urn:federation:MicrosoftOnline', {
      acs: [{ url: 'https://login.microsoftonline.com/login.srf' }],
      nameIdFormat: 'persistent',
      nameIdSource: 'attr:immutableId',
      attributes: [{ name: 'IDPEmail', source: 'email' }],
      signResponse: false,
    });
    await sp('https://t.test', { nameIdFormat: 'transient' });
    await sp('https://noattr.test', {
      nameIdFormat: 'unspecified',
      nameIdSource: 'attr:employeeNumber',
    });
    b = new TestBrowser(t.app);
    await b.login('acme', user.loginId, TEST_PASSWORD);
  });
  after(() => t.close());

  test('persistent NameIDs are stable for one SP and differ between SPs', async () => {
    const a1 = await signIn('https://p1.test');
    const first = (await a1.sp.validatePostResponseAsync(a1.form.fields)).profile!;
    const a2 = await signIn('https://p1.test');
    const second = (await a2.sp.validatePostResponseAsync(a2.form.fields)).profile!;
    const other = await signIn('https://p2.test');
    const third = (await other.sp.validatePostResponseAsync(other.form.fields)).profile!;
    assert.equal(first.nameIDFormat, PERSISTENT);
    assert.match(first.nameID, /^[0-9a-f]{64}$/);
    assert.equal(first.nameID, second.nameID);
    assert.notEqual(first.nameID, third.nameID);
    assert.ok(!first.nameID.includes(user.id));
  });

  test('a persistent NameID from a custom attribute is the stored value (Entra ImmutableID), assertion signed only', async () => {
    const { sp, form } = await signIn('urn:federation:MicrosoftOnline', {
      identifierFormat: PERSISTENT,
      callbackUrl: 'https://login.microsoftonline.com/login.srf',
      wantAuthnResponseSigned: false,
    });
    const xml = Buffer.from(form.fields.SAMLResponse!, 'base64').toString();
    assert.match(
      xml,
      /^<samlp:Response [^>]*><saml:Issuer>[^<]+<\/saml:Issuer><samlp:Status>/,
      'Response unsigned',
    );
    const { profile } = await sp.validatePostResponseAsync(form.fields);
    assert.equal(profile?.nameID, 'AbC123+x/y==');
    assert.equal(profile?.nameIDFormat, PERSISTENT);
    assert.equal(profile?.IDPEmail, user.email);
  });

  test('transient NameIDs differ on every assertion', async () => {
    const a = await signIn('https://t.test');
    const b2 = await signIn('https://t.test');
    const x = (await a.sp.validatePostResponseAsync(a.form.fields)).profile!;
    const y = (await b2.sp.validatePostResponseAsync(b2.form.fields)).profile!;
    assert.equal(x.nameIDFormat, TRANSIENT);
    assert.notEqual(x.nameID, y.nameID);
  });

  test('a user without the configured NameID value gets a Responder status, no assertion', async () => {
    const { sp, form } = await signIn('https://noattr.test');
    assert.doesNotMatch(Buffer.from(form.fields.SAMLResponse!, 'base64').toString(), /Assertion/);
    await assert.rejects(sp.validatePostResponseAsync(form.fields), /Responder/);
  });

  test('a NameIDPolicy asking for another format is refused with InvalidNameIDPolicy', async () => {
    const { sp, form } = await signIn('https://p1.test', {
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    });
    await assert.rejects(
      sp.validatePostResponseAsync(form.fields),
      (err: Error & { xmlStatus?: string }) => /InvalidNameIDPolicy/.test(err.xmlStatus ?? ''),
    );
  });
});
