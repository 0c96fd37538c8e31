/**
 * SAML SP registration: the configuration parser reports every bad field at once and fills
 * documented defaults; SP metadata (made by node-saml, an independent implementation) is
 * read into a configuration; metadata is fetched from a URL only within limits. The fetch
 * tests talk to a server on 127.0.0.1 only (allowLoopback), never to the network.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SAML } from '@node-saml/node-saml';
import { ValidationError } from '@sekisho/platform';
import { fetchSpMetadata } from '../src/saml/fetch-sp-metadata.ts';
import { samlSpSpec, validateSamlSpConfig } from '../src/saml/sp-config.ts';
import { parseSpMetadata } from '../src/saml/sp-metadata.ts';
import { makeKeyPair, type KeyPair } from './support/saml-sp.ts';

const fields = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err.problems.map((p) => p.field);
  }
  assert.fail('expected a ValidationError');
};

describe('SAML SP configuration', () => {
  let signing: KeyPair;
  let encryption: KeyPair;
  let spMetadata: string;
  let server: Server;
  let base: string;
  let connections = 0;
  before(async () => {
    signing = makeKeyPair('sp signing');
    encryption = makeKeyPair('sp encryption');
    const sp = new SAML({
      idpCert: signing.certificatePem,
      issuer: 'https://meta-sp.test',
      callbackUrl: 'https://meta-sp.test/acs',
      logoutCallbackUrl: 'https://meta-sp.test/slo',
      wantAssertionsSigned: true,
      privateKey: signing.privateKeyPem,
      decryptionPvk: encryption.privateKeyPem,
      identifierFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    });
    spMetadata = sp.generateServiceProviderMetadata(
      encryption.certificatePem,
      signing.certificatePem,
    );
    server = createServer((req, res) => {
      if (req.url === '/metadata') return res.end(spMetadata);
      if (req.url === '/huge') return res.end('<x>' + ' '.repeat(600_000) + '</x>');
      if (req.url === '/moved') return res.writeHead(302, { location: '/metadata' }).end();
      res.writeHead(404).end();
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a minimal configuration gets the documented defaults', () => {
    const c = validateSamlSpConfig({
      entityId: 'google.com',
      acs: [{ url: 'https://www.google.com/a/example.com/acs' }],
    });
    assert.deepEqual(c.acs, [
      {
        url: 'https://www.google.com/a/example.com/acs',
        binding: 'HTTP-POST',
        index: 0,
        isDefault: true,
      },
    ]);
    assert.equal(c.signResponse && c.signAssertion, true);
    assert.equal(c.requireSignedAuthnRequests || c.encryptAssertion || c.allowSha1, false);
    assert.equal(c.nameIdFormat, 'emailAddress');
    assert.equal(c.nameIdSource, 'email');
    assert.equal(c.relayStateMaxBytes, 80);
    assert.equal(c.allowIdpInitiated, true);
    assert.equal(samlSpSpec.lookupKey(c), 'google.com');
    assert.deepEqual(JSON.parse(JSON.stringify(c)), c, 'the stored form is plain JSON');
  });

  test('every broken field is reported at once', () => {
    const problems = fields(() =>
      validateSamlSpConfig({
        entityId: 'has space',
        acs: [
          { url: 'http://sp.example/acs', index: 0 },
          { url: 'https://sp.example/acs', index: 1, binding: 'HTTP-Redirect' },
          { url: 'https://sp.example/acs2', index: 1 },
        ],
        slo: { url: 'javascript:alert(1)', binding: 'SOAP' },
        signingCertificates: ['not a certificate'],
        requireSignedAuthnRequests: true,
        signResponse: false,
        signAssertion: false,
        encryptAssertion: true,
        nameIdFormat: 'persistent',
        nameIdSource: 'email',
        attributes: [
          { name: 'a', source: 'email' },
          { name: 'a', source: 'loginId' },
          { name: 'b', source: 'attr:9bad' },
        ],
        relayStateMaxBytes: 4096,
        signAssertions: true,
      }),
    );
    for (const f of [
      'entityId',
      'acs[0].url',
      'acs[1].binding',
      'acs',
      'slo.url',
      'slo.binding',
      'signingCertificates[0]',
      'requireSignedAuthnRequests',
      'signAssertion',
      'encryptAssertion',
      'nameIdSource',
      'attributes[2].source',
      'attributes',
      'relayStateMaxBytes',
      'signAssertions',
    ])
      assert.ok(problems.includes(f), `reports ${f} (got ${problems.join(', ')})`);
  });

  test('http is accepted for loopback hosts only; RelayState limit up to 1024', () => {
    const c = validateSamlSpConfig({
      entityId: 'dev',
      acs: [{ url: 'http://127.0.0.1:8080/acs' }],
      relayStateMaxBytes: 1024,
    });
    assert.equal(c.relayStateMaxBytes, 1024);
    assert.deepEqual(
      fields(() =>
        validateSamlSpConfig({ entityId: 'dev', acs: [{ url: 'http://10.0.0.1/acs' }] }),
      ),
      ['acs[0].url'],
    );
  });

  test('SP metadata from node-saml becomes a configuration', () => {
    const fromMetadata = parseSpMetadata(spMetadata);
    assert.equal(fromMetadata.entityId, 'https://meta-sp.test');
    assert.deepEqual(
      fromMetadata.acs.map((a) => a.url),
      ['https://meta-sp.test/acs'],
    );
    assert.deepEqual(fromMetadata.slo, { url: 'https://meta-sp.test/slo', binding: 'HTTP-POST' });
    assert.equal(fromMetadata.signAssertion, true);
    assert.equal(fromMetadata.requireSignedAuthnRequests, true);
    assert.equal(fromMetadata.nameIdFormat, 'persistent');
    const config = validateSamlSpConfig({ ...fromMetadata, encryptAssertion: true });
    assert.equal(config.signingCertificates[0], signing.certificatePem.replace(/\r\n/g, '\n'));
    assert.equal(config.encryptionCertificate, encryption.certificatePem.replace(/\r\n/g, '\n'));
  });

  test('metadata with a DTD, or without an SP, is refused', () => {
    assert.throws(
      () => parseSpMetadata('<!DOCTYPE x [<!ENTITY e "e">]>' + spMetadata),
      ValidationError,
    );
    assert.throws(
      () =>
        parseSpMetadata(
          '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>',
        ),
      /exactly one SAML 2.0 service provider/,
    );
  });

  test('metadata is fetched from a URL within limits: loopback only when allowed, no redirects, size-capped', async () => {
    assert.equal(
      (await fetchSpMetadata(`${base}/metadata`, { allowLoopback: true })).entityId,
      'https://meta-sp.test',
    );
    await assert.rejects(fetchSpMetadata(`${base}/metadata`), /loopback or private/);
    await assert.rejects(fetchSpMetadata('http://sp.example/metadata'), /https/);
    const inside = async () => ['203.0.113.10', '10.1.2.3'];
    await assert.rejects(
      fetchSpMetadata('https://sp.internal.example/metadata', { resolve: inside }),
      /loopback or private/,
      'a name that resolves inside the network is refused before connecting',
    );
    await assert.rejects(
      fetchSpMetadata(`${base}/moved`, { allowLoopback: true }),
      /redirects elsewhere/,
    );
    await assert.rejects(fetchSpMetadata(`${base}/huge`, { allowLoopback: true }), /larger than/);
  });

  test('a name that answers outside the network at the check and inside at the connection (DNS rebinding) is refused before any request', async () => {
    const port = (server.address() as AddressInfo).port;
    let lookups = 0;
    const rebinding = async () => (++lookups === 1 ? ['203.0.113.10'] : ['127.0.0.1']);
    const before = connections;
    await assert.rejects(
      fetchSpMetadata(`https://sp.rebind.example:${port}/metadata`, { resolve: rebinding }),
      /loopback or private/,
    );
    assert.equal(lookups, 2, 'resolved again when connecting');
    assert.equal(connections, before, 'nothing connected to the internal address');
  });
});
