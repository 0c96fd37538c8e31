/**
 * Assertion encryption for an SP that registered an encryption certificate: the signed
 * assertion travels as an EncryptedAssertion (AES-256-GCM by default, AES-256-CBC when
 * configured; the key wrapped with RSA-OAEP) and node-saml decrypts and verifies it with
 * its own private key.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import { validateSamlXml } from './support/saml-schema.ts';
import {
  makeKeyPair,
  nodeSamlSp,
  pathOf,
  postFormOf,
  registerSp,
  responseXml,
  type KeyPair,
} from './support/saml-sp.ts';

describe('SAML assertion encryption', () => {
  let t: TestApp;
  let s: SeededTenant;
  let b: TestBrowser;
  let enc: KeyPair;
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    s = await seedTenant(t.platform, 'acme');
    enc = makeKeyPair('sp encryption');
    for (const [entityId, encryptionAlgorithm] of [
      ['https://gcm.test', 'aes256-gcm'],
      ['https://cbc.test', 'aes256-cbc'],
    ] as const)
      await registerSp(t, s.tenant.id, entityId, {
        entityId,
        acs: [{ url: `${entityId}/acs` }],
        encryptAssertion: true,
        encryptionCertificate: enc.certificatePem,
        encryptionAlgorithm,
        attributes: [{ name: 'email', source: 'email' }],
      });
    b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
  });
  after(() => t.close());

  for (const [entityId, algorithm] of [
    ['https://gcm.test', 'http://www.w3.org/2009/xmlenc11#aes256-gcm'],
    ['https://cbc.test', 'http://www.w3.org/2001/04/xmlenc#aes256-cbc'],
  ] as const)
    test(`round trip with ${algorithm.split('#')[1]}: node-saml decrypts and verifies`, async () => {
      const sp = await nodeSamlSp(t, entityId, {
        identifierFormat: null,
        decryptionPvk: enc.privateKeyPem,
      });
      const form = postFormOf(
        await b.get(pathOf(await sp.getAuthorizeUrlAsync('', undefined, {}))),
      );
      assert.ok(form);
      const xml = responseXml(form);
      assert.match(xml, /<saml:EncryptedAssertion/);
      assert.ok(xml.includes(`Algorithm="${algorithm}"`));
      assert.ok(xml.includes('Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"'));
      assert.ok(!xml.includes(s.admin.email), 'no plaintext identity in the Response');
      assert.deepEqual(await validateSamlXml(xml, 'protocol'), []);
      const { profile } = await sp.validatePostResponseAsync(form.fields);
      assert.equal(profile?.nameID, s.admin.email);
      assert.equal(profile?.email, s.admin.email);
    });

  test('without the SP key the assertion cannot be read', async () => {
    const sp = await nodeSamlSp(t, 'https://gcm.test', {
      identifierFormat: null,
      decryptionPvk: makeKeyPair().privateKeyPem,
    });
    const form = postFormOf(await b.get(pathOf(await sp.getAuthorizeUrlAsync('', undefined, {}))));
    await assert.rejects(sp.validatePostResponseAsync(form!.fields));
  });
});
