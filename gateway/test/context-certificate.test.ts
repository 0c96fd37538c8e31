/**
 * Client certificates in the request context, over a real mutual-TLS handshake (certificates
 * made by openssl in setup): only a verified TLS peer certificate counts, and a forwarded
 * certificate header counts only from a trusted proxy, replacing the proxy's own certificate.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { systemClock } from '@sekisho/platform';
import {
  certificateFromHeader,
  type ClientCertificate,
} from '../src/context/client-certificate.ts';
import { requestContext } from '../src/context/request-context-plugin.ts';

const dir = mkdtempSync(join(tmpdir(), 'sekisho-mtls-'));
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A self-signed certificate (a CA when `ca`), as `<name>.pem` and `<name>.key`. */
function selfSigned(name: string, subject: string, ca = false): void {
  const ext = ca
    ? ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']
    : ['-addext', 'subjectAltName=IP:127.0.0.1'];
  openssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-subj',
    subject,
    '-days',
    '2',
    ...ext,
  );
}

/** A client certificate issued by the CA `ca`. */
function issued(name: string, subject: string, ca: string, serial: string): void {
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl('req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-set_serial',
    serial,
    '-days',
    '1',
    '-extfile',
    'client.ext',
    '-out',
    `${name}.pem`,
  );
}

const pem = (name: string) => readFileSync(file(`${name}.pem`), 'utf8');
const key = (name: string) => readFileSync(file(`${name}.key`), 'utf8');

before(() => {
  selfSigned('ca', '/CN=Test Device CA', true);
  selfSigned('server', '/CN=localhost');
  selfSigned('rogue', '/CN=rogue device');
  issued('device', '/O=Acme/CN=device-1', 'ca', '0x1234');
  issued('proxy', '/CN=edge proxy', 'ca', '0x99');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('a certificate in a forwarded header', () => {
  test('is read from URL-encoded PEM, PEM with spaces, or bare base64 DER', () => {
    const text = pem('device');
    const fingerprint = new X509Certificate(text).fingerprint256;
    const der = new X509Certificate(text).raw.toString('base64');
    for (const value of [encodeURIComponent(text), text.replace(/\n/g, ' '), der]) {
      const cert = certificateFromHeader(value);
      assert.equal(cert?.fingerprint, fingerprint);
      assert.equal(cert.source, 'forwarded');
      assert.equal(cert.serial, '1234');
      assert.match(cert.subject, /CN=device-1/);
      assert.match(cert.issuer, /CN=Test Device CA/);
      assert.ok(cert.notBefore < cert.notAfter && Object.isFrozen(cert));
    }
  });

  test('is no certificate when garbled, truncated or more than one', () => {
    const text = pem('device');
    for (const value of [
      '',
      'garbage',
      '%E0%A4%A',
      encodeURIComponent(text.slice(0, 200)),
      encodeURIComponent(text + pem('proxy')),
      'QUJD',
    ]) {
      assert.equal(certificateFromHeader(value), undefined, value.slice(0, 30));
    }
  });
});

describe('the request context over mutual TLS', () => {
  let app: FastifyInstance;
  let port: number;

  before(async () => {
    app = Fastify({
      https: {
        key: key('server'),
        cert: pem('server'),
        ca: [pem('ca')],
        requestCert: true,
        rejectUnauthorized: false,
      },
    });
    await app.register(requestContext, {
      trustedProxies: ['127.0.0.2'],
      proxyHeader: 'x-forwarded-for',
      forwardedCertHeader: 'X-Client-Cert',
      clock: systemClock,
    });
    app.get('/cert', async (request) => request.requestContext?.clientCertificate ?? null);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  after(() => app.close());

  function get(
    client?: string,
    from?: string,
    headers: Record<string, string> = {},
  ): Promise<ClientCertificate | null> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path: '/cert',
          ca: pem('server'),
          localAddress: from,
          headers,
          agent: false,
          ...(client && { cert: pem(client), key: key(client) }),
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve(JSON.parse(body) as ClientCertificate | null));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  test('a certificate the handshake verified is in the context', async () => {
    const cert = await get('device');
    assert.equal(cert?.source, 'tls');
    assert.equal(cert.fingerprint, new X509Certificate(pem('device')).fingerprint256);
    assert.match(cert.subject, /O=Acme\nCN=device-1/);
  });

  test('an unverified certificate is reported as unverified; none gives no certificate', async () => {
    const rogue = await get('rogue');
    assert.equal(rogue?.source, 'tls');
    assert.equal(rogue.tlsVerified, false);
    assert.equal((await get('device'))?.tlsVerified, true);
    assert.equal(await get(undefined), null);
  });

  test('a forwarded certificate from an untrusted peer is ignored', async () => {
    const headers = { 'x-client-cert': encodeURIComponent(pem('device')) };
    assert.equal(await get(undefined, '127.0.0.1', headers), null);
    assert.equal((await get('proxy', '127.0.0.1', headers))?.subject, 'CN=edge proxy');
  });

  test("from a trusted proxy, the forwarded certificate replaces the proxy's own", async () => {
    const headers = { 'x-client-cert': encodeURIComponent(pem('device')) };
    const cert = await get('proxy', '127.0.0.2', headers);
    assert.equal(cert?.source, 'forwarded');
    assert.match(cert.subject, /CN=device-1/);
    assert.equal(
      await get('proxy', '127.0.0.2'),
      null,
      'no header: the proxy certificate is not the client',
    );
  });
});
