/**
 * One real node over HTTPS: first start creates the demo tenant and prints its admin
 * password once, the stores are reported ready, metrics and OpenAPI are served, and SIGTERM
 * lets an in-flight request finish.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@sekisho/platform';
import { startServer, type RunningServer } from '../src/server.ts';
import { validateSamlXml } from '../../idp/test/support/saml-schema.ts';

function get(
  url: string,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}

describe('a Sekisho node', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-node-'));
  const config = () => loadConfig({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
  let server: RunningServer;
  before(async () => {
    server = await startServer(config(), { logger: false });
  });
  after(async () => {
    await server.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('first start creates the demo tenant with an admin whose password works', async () => {
    assert.ok(server.demoAdmin);
    const demo = await server.platform.tenants.getBySlug('demo');
    assert.ok(demo);
    const user = await server.platform.users.getByLoginId(demo.id, server.demoAdmin.loginId);
    assert.ok(user);
    assert.equal(await server.platform.admins.roleOf(demo.id, user.id), 'global_admin');
    const login = await server.platform.passwords.login({
      tenant: demo,
      loginId: server.demoAdmin.loginId,
      password: server.demoAdmin.password,
      origin: { ip: '127.0.0.1' },
    });
    assert.equal(login.id, user.id);
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, 'tls', 'key.pem')).mode & 0o777, 0o600);
  });

  test('health, readiness, metrics and OpenAPI answer over HTTPS', async () => {
    assert.equal((await get(`${server.url}/healthz`)).status, 200);
    const ready = await get(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.body).checks, { database: 'ok', ephemeral: 'ok' });
    const metrics = await get(`${server.url}/metrics`);
    assert.match(
      metrics.body,
      /sekisho_http_requests_total\{method="GET",route="\/readyz",status="200"\} 1/,
    );
    const openapi = JSON.parse((await get(`${server.url}/api/openapi.json`)).body);
    assert.equal(openapi.openapi, '3.1.0');
    assert.ok(openapi.paths['/api/tenants/{tenant}/users']);
    const page = await get(`${server.url}/t/demo/login`);
    assert.match(String(page.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    assert.match(String(page.headers['strict-transport-security']), /max-age/);
  });

  test('the demo tenant serves its OpenID discovery document at the issuer path', async () => {
    const res = await get(`${server.url}/t/demo/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = JSON.parse(res.body) as Record<string, string>;
    assert.equal(doc.issuer, `${server.platform.config.publicUrl}/t/demo`);
    assert.equal(doc.jwks_uri, `${server.platform.config.publicUrl}/t/demo/oidc/jwks`);
    const jwks = JSON.parse((await get(`${server.url}/t/demo/oidc/jwks`)).body) as {
      keys: { kty: string; d?: string }[];
    };
    assert.ok(jwks.keys.length >= 2);
    assert.ok(
      jwks.keys.every((k) => k.d === undefined),
      'no private key material',
    );
  });

  test('the demo tenant serves SAML metadata that validates against the SAML 2.0 metadata schema', async () => {
    const res = await get(`${server.url}/t/demo/saml/metadata`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /xml/);
    assert.match(
      res.body,
      new RegExp(`entityID="${server.platform.config.publicUrl}/t/demo/saml/metadata"`),
    );
    assert.deepEqual(await validateSamlXml(res.body, 'metadata'), []);
  });

  test('SIGTERM-style shutdown lets an in-flight request finish, then refuses new ones', async () => {
    const { port } = new URL(server.url);
    const socket = connect({ host: '127.0.0.1', port: Number(port), rejectUnauthorized: false });
    await new Promise((r) => socket.once('secureConnect', r));
    const body = 'loginId=x%40demo.example&password=y';
    socket.write(
      `POST /t/demo/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 100)); // the server has read the headers: the request is in flight
    const closing = server.close();
    let response = '';
    socket.setEncoding('utf8').on('data', (c: string) => (response += c));
    const ended = new Promise((r) => socket.once('end', r));
    socket.write(body.slice(10));
    await ended;
    await closing;
    assert.match(
      response,
      /^HTTP\/1\.1 403 /,
      'the in-flight request got its answer (no CSRF token: 403)',
    );
    await assert.rejects(get(`${server.url}/healthz`));
  });

  test('a restart on the same data directory keeps the tenant and prints no password', async () => {
    server = await startServer(config(), { logger: false });
    assert.equal(server.demoAdmin, undefined);
    assert.ok(await server.platform.tenants.getBySlug('demo'));
  });
});
