/**
 * The guarded GET against real HTTP servers on 127.0.0.1 (random ports). Host names are
 * resolved by the `resolve` option, so nothing here reaches the network: every refusal is
 * checked to happen before a connection (the server counts them).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GuardedGetError,
  guardedGet,
  isInternalHost,
  type GuardedGetRefusal,
} from '../src/http/guarded-get.ts';

const LOCAL = { allowHttp: true, allowLoopback: true };
const refusedWith = (reason: GuardedGetRefusal, pattern?: RegExp) => (err: unknown) =>
  err instanceof GuardedGetError &&
  err.code === 'ERR_GUARDED_GET' &&
  err.reason === reason &&
  (!pattern || pattern.test(err.message));

describe('guardedGet', () => {
  let server: Server;
  let port: number;
  let base: string;
  let connections = 0;
  const requests: string[] = [];
  const accepts: (string | undefined)[] = [];
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/crl': (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end('abc'),
    '/missing': (_req, res) => res.writeHead(404).end('not here'),
    '/moved': (_req, res) => res.writeHead(302, { location: '/crl' }).end(),
    '/permanent': (_req, res) => res.writeHead(301, { location: `${base}/crl` }).end(),
    // Chunked, so the size is only known while reading.
    '/stream': (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 8; i++) res.write(Buffer.alloc(1000, 'x'));
      res.end();
    },
    '/declared': (_req, res) =>
      res.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000)),
    '/exact': (_req, res) => res.end('x'.repeat(1000)),
    '/silent': () => undefined, // never answers
    '/stall': (_req, res) => {
      res.writeHead(200);
      res.write('partial'); // and never ends
    },
  };

  before(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      accepts.push(req.headers.accept);
      const route = routes[req.url ?? ''];
      if (route) route(req, res);
      else res.writeHead(404).end();
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('returns status, headers and body, sends the Accept header, and returns other statuses as they are', async () => {
    const res = await guardedGet(`${base}/crl`, { ...LOCAL, accept: 'application/pkix-crl' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/pkix-crl');
    assert.ok(Buffer.isBuffer(res.body));
    assert.equal(res.body.toString(), 'abc');
    assert.equal(accepts.at(-1), 'application/pkix-crl');
    const missing = await guardedGet(`${base}/missing`, LOCAL);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.toString(), 'not here');
  });

  test('refuses loopback, private and link-local addresses written as IP literals, before connecting', async () => {
    const before = connections;
    const hosts = [
      `127.0.0.1:${port}`,
      `127.1.2.3:${port}`,
      `[::1]:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      `0.0.0.0:${port}`,
      `[::]:${port}`,
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254', // cloud metadata service
      '100.64.0.1',
      '[fd00::1]',
      '[fe80::1]',
    ];
    for (const host of hosts) {
      await assert.rejects(
        guardedGet(`http://${host}/crl`, { allowHttp: true }),
        refusedWith('internal-address', /loopback or private/),
        host,
      );
    }
    assert.equal(connections, before, 'no connection was made');
    for (const host of ['203.0.113.10', '[2001:db8::1]', 'pki.example.com', 'localhost.example']) {
      assert.equal(isInternalHost(host), false, host);
    }
  });

  test('refuses loopback and private hosts by name: localhost, and names resolving inside', async () => {
    const before = connections;
    await assert.rejects(
      guardedGet(`http://localhost:${port}/crl`, { allowHttp: true }),
      refusedWith('internal-address'),
    );
    await assert.rejects(
      guardedGet(`http://ca.localhost:${port}/crl`, { allowHttp: true }),
      refusedWith('internal-address'),
    );
    const resolved: string[] = [];
    const inside = (addresses: string[]) => async (host: string) => {
      resolved.push(host);
      return addresses;
    };
    for (const addresses of [['127.0.0.1'], ['203.0.113.10', '10.1.2.3'], ['fe80::1']]) {
      await assert.rejects(
        guardedGet(`http://pki.inside.example:${port}/crl`, {
          allowHttp: true,
          resolve: inside(addresses),
        }),
        refusedWith('internal-address'),
        addresses.join(),
      );
    }
    assert.deepEqual(resolved, Array(3).fill('pki.inside.example'));
    await assert.rejects(
      guardedGet('https://nowhere.example/crl', {
        resolve: () => Promise.reject(new Error('ENOTFOUND')),
      }),
      refusedWith('unresolvable'),
    );
    assert.equal(connections, before, 'no connection was made');
  });

  test('a name that answers outside the network at the check and inside at the connection (DNS rebinding) is refused before connecting', async () => {
    const before = connections;
    for (const scheme of ['http', 'https']) {
      let lookups = 0;
      const rebinding = async () => (++lookups === 1 ? ['203.0.113.10'] : ['127.0.0.1']);
      await assert.rejects(
        guardedGet(`${scheme}://pki.rebind.example:${port}/crl`, {
          allowHttp: true,
          resolve: rebinding,
        }),
        refusedWith('internal-address'),
        scheme,
      );
      assert.equal(lookups, 2, 'resolved again when connecting');
    }
    assert.equal(connections, before, 'nothing connected to the internal address');
  });

  test('https only unless allowHttp; URLs that are not http(s) are refused', async () => {
    await assert.rejects(
      guardedGet('http://pki.example.com/crl'),
      refusedWith('not-https', /https/),
    );
    await assert.rejects(
      guardedGet('ftp://pki.example.com/crl', { allowHttp: true }),
      refusedWith('not-https', /http or https/),
    );
    await assert.rejects(guardedGet('file:///etc/passwd', LOCAL), refusedWith('not-https'));
    await assert.rejects(guardedGet('not a url', LOCAL), refusedWith('invalid-url'));
  });

  test('does not follow redirects', async () => {
    const before = requests.length;
    await assert.rejects(
      guardedGet(`${base}/moved`, LOCAL),
      refusedWith('redirect', /HTTP 302.*not followed/),
    );
    await assert.rejects(guardedGet(`${base}/permanent`, LOCAL), refusedWith('redirect', /301/));
    assert.deepEqual(requests.slice(before), ['/moved', '/permanent'], 'the target was not asked');
  });

  test('cuts the body off at maxBytes, streamed or declared', async () => {
    await assert.rejects(
      guardedGet(`${base}/stream`, { ...LOCAL, maxBytes: 3000 }),
      refusedWith('too-large', /larger than 3000 bytes/),
    );
    await assert.rejects(
      guardedGet(`${base}/declared`, { ...LOCAL, maxBytes: 4999 }),
      refusedWith('too-large'),
    );
    assert.equal(
      (await guardedGet(`${base}/exact`, { ...LOCAL, maxBytes: 1000 })).body.length,
      1000,
    );
    assert.equal((await guardedGet(`${base}/stream`, LOCAL)).body.length, 8000);
  });

  test('times out when the server does not answer, or stops in the middle of the body', async () => {
    await assert.rejects(
      guardedGet(`${base}/silent`, { ...LOCAL, timeoutMs: 200 }),
      refusedWith('timeout', /within 200 ms/),
    );
    await assert.rejects(
      guardedGet(`${base}/stall`, { ...LOCAL, timeoutMs: 200 }),
      refusedWith('timeout'),
    );
  });
});
