/**
 * The scripted browser behaves as a browser where SSO depends on it: cookies by host (not
 * port), path and Secure; SameSite on cross-site requests; redirects; the sign-in form and
 * self-submitting forms; a self-signed certificate accepted only from a trusted origin.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeAtExit } from '@sekisho/platform/test-support';
import { CookieJar, defaultPath, pathMatches } from './cookie-jar.ts';
import { autoSubmittedForm, formEntries, parseForms } from './html-forms.ts';
import { selfSignedKeyPair } from './pki.ts';
import { ScriptedBrowser } from './scripted-browser.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Seen {
  method: string;
  url: string;
  cookie: string;
  body: string;
  origin: string | undefined;
  site: string | undefined;
}

function withBody(handler: Handler, seen: Seen[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        cookie: req.headers.cookie ?? '',
        body,
        origin: req.headers.origin,
        site: req.headers['sec-fetch-site'] as string | undefined,
      });
      handler(req, res, body);
    });
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('cookie jar', () => {
  const jar = () => new CookieJar();

  it("shares a host's cookies across ports and keeps hosts apart", () => {
    const j = jar();
    j.store(new URL('http://127.0.0.1:1000/a'), ['sid=1; Path=/']);
    const ctx = { sameSite: true, laxAllowed: true };
    assert.equal(j.header(new URL('http://127.0.0.1:2000/'), ctx), 'sid=1');
    assert.equal(j.header(new URL('http://localhost:1000/'), ctx), undefined);
  });

  it('applies the default path and path-match', () => {
    assert.equal(defaultPath('/a/b/c'), '/a/b');
    assert.equal(defaultPath('/a'), '/');
    assert.ok(pathMatches('/a/b', '/a'));
    assert.ok(!pathMatches('/ab', '/a'));
    const j = jar();
    j.store(new URL('http://127.0.0.1/app/login'), ['x=1']);
    const ctx = { sameSite: true, laxAllowed: true };
    assert.equal(j.header(new URL('http://127.0.0.1/app/page'), ctx), 'x=1');
    assert.equal(j.header(new URL('http://127.0.0.1/other'), ctx), undefined);
  });

  it('deletes on Max-Age=0, and Max-Age wins over Expires', () => {
    const j = jar();
    const u = new URL('http://127.0.0.1/');
    j.store(u, ['a=1', 'b=2; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60']);
    j.store(u, ['a=; Max-Age=0']);
    assert.deepEqual(
      j.all().map((c) => c.name),
      ['b'],
    );
  });

  it('keeps Secure cookies to https and out of reach of http', () => {
    const j = jar();
    j.store(new URL('http://127.0.0.1/'), ['plain-secure=1; Secure']);
    assert.equal(j.all().length, 0, 'http cannot set a Secure cookie');
    j.store(new URL('https://127.0.0.1/'), ['s=1; Secure; Path=/']);
    j.store(new URL('http://127.0.0.1/'), ['s=evil; Path=/']);
    const ctx = { sameSite: true, laxAllowed: true };
    assert.equal(j.header(new URL('https://127.0.0.1:8443/'), ctx), 's=1');
    assert.equal(j.header(new URL('http://127.0.0.1/'), ctx), undefined);
  });

  it('sends Lax cookies on cross-site GET navigations only, Strict on same-site only', () => {
    const j = jar();
    j.store(new URL('https://127.0.0.1/'), [
      'lax=1; Secure; SameSite=Lax',
      'strict=1; Secure; SameSite=Strict',
      'none=1; Secure; SameSite=None',
    ]);
    const u = new URL('https://127.0.0.1/');
    assert.equal(j.header(u, { sameSite: false, laxAllowed: true }), 'lax=1; none=1');
    assert.equal(j.header(u, { sameSite: false, laxAllowed: false }), 'none=1');
    assert.equal(j.header(u, { sameSite: true, laxAllowed: false }), 'lax=1; strict=1; none=1');
  });

  it('accepts a Domain equal to an IP host and refuses a foreign one', () => {
    const j = jar();
    j.store(new URL('http://127.0.0.1/'), ['m=1; Domain=127.0.0.1', 'f=1; Domain=example.com']);
    assert.deepEqual(
      j.all().map((c) => c.name),
      ['m'],
    );
  });
});

describe('html forms', () => {
  const page = new URL('https://idp.test/t/acme/login?x=1');

  it("reads a form's fields with entities decoded and skips unchecked boxes and buttons", () => {
    const [form] = parseForms(
      `<!-- <form action="/fake"></form> --><form method="post" action="/t/acme/login">
        <input type="hidden" name="_csrf" value="a&amp;b&#x3d;">
        <input name="loginId" type="email" value='x'>
        <input name="remember" type="checkbox">
        <select name="lang"><option value="en">en</option><option value="ja" selected>ja</option></select>
        <textarea name="note">hi &lt;there&gt;</textarea>
        <button type="submit" name="go" value="1">Go</button>
      </form>`,
      page,
    );
    assert.ok(form);
    assert.equal(form.method, 'POST');
    assert.equal(form.action.toString(), 'https://idp.test/t/acme/login');
    assert.deepEqual(formEntries(form, { loginId: 'me@x' }), [
      ['_csrf', 'a&b='],
      ['loginId', 'me@x'],
      ['lang', 'ja'],
      ['note', 'hi <there>'],
    ]);
  });

  it('finds the form a script or onload submits', () => {
    const html = `<body onload="document.forms[0].submit()"><form action="/a"></form></body>`;
    assert.equal(autoSubmittedForm(html, parseForms(html, page))?.action.pathname, '/a');
    const byId = `<form id="x" action="/x"></form><form id="y" action="/y"></form><script>document.getElementById('y').submit();</script>`;
    assert.equal(autoSubmittedForm(byId, parseForms(byId, page))?.action.pathname, '/y');
    const none = `<form action="/a"></form><script>console.log(1)</script>`;
    assert.equal(autoSubmittedForm(none, parseForms(none, page)), undefined);
  });
});

describe('scripted browser against local servers', () => {
  const seenIdp: Seen[] = [];
  const seenSp: Seen[] = [];
  let idp: Server;
  let sp: Server;
  let idpOrigin = '';
  let spOrigin = '';

  before(async () => {
    const dir = await makeTempDir('sekisho-browser-');
    removeAtExit(dir);
    const key = await selfSignedKeyPair(dir, 'tls', '127.0.0.1');
    const tls = { key: await readFile(key.keyPath), cert: key.certPem };
    // The "IdP": https, a session cookie, a sign-in form, an auto-posting response page.
    idp = createHttpsServer(
      tls,
      withBody((req, res, body) => {
        const url = new URL(req.url ?? '/', idpOrigin);
        const signedIn = (req.headers.cookie ?? '').includes('idp_session=ok');
        if (url.pathname === '/sso') {
          if (!signedIn) {
            res.writeHead(302, {
              location: `/login?return=${encodeURIComponent(url.pathname + url.search)}`,
            });
            return res.end();
          }
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end(
            `<form method="post" action="${spOrigin}/acs"><input type="hidden" name="SAMLResponse" value="PHNhbWw+"><input type="hidden" name="RelayState" value="${url.searchParams.get('RelayState')}"></form><script nonce="n">document.forms[0].submit()</script>`,
          );
        }
        if (url.pathname === '/login' && req.method === 'GET') {
          res.writeHead(200, {
            'content-type': 'text/html',
            'set-cookie': 'csrf_session=c1; Path=/; Secure; HttpOnly; SameSite=Lax',
          });
          return res.end(
            `<form method="post" action="/login"><input type="hidden" name="_csrf" value="tok"><input type="hidden" name="return" value="${url.searchParams.get('return')?.replace(/&/g, '&amp;')}"><input name="loginId"><input name="password" type="password"><button>Sign in</button></form>`,
          );
        }
        if (url.pathname === '/login' && req.method === 'POST') {
          const form = new URLSearchParams(body);
          const csrfOk =
            form.get('_csrf') === 'tok' && (req.headers.cookie ?? '').includes('csrf_session=c1');
          if (!csrfOk || form.get('password') !== 'right') {
            res.writeHead(401, { 'content-type': 'text/html' });
            return res.end(
              `<p>wrong</p><form method="post" action="/login"><input type="hidden" name="_csrf" value="tok"><input name="loginId"><input name="password" type="password"></form>`,
            );
          }
          res.writeHead(303, {
            location: form.get('return') ?? '/',
            'set-cookie': 'idp_session=ok; Path=/; Secure; HttpOnly; SameSite=Lax',
          });
          return res.end();
        }
        res.writeHead(404);
        res.end();
      }, seenIdp),
    );
    // The "SP": plain http on the same host, another port.
    sp = createHttpServer(
      withBody((req, res, body) => {
        const url = new URL(req.url ?? '/', spOrigin);
        const session = /sp_session=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
        if (url.pathname === '/app') {
          if (!session) {
            res.writeHead(302, {
              location: `${idpOrigin}/sso?SAMLRequest=x&RelayState=${encodeURIComponent('/app')}`,
              'set-cookie': ['sp_state=lax1; Path=/; SameSite=Lax', 'sp_state_none=n1; Path=/'],
            });
            return res.end();
          }
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end(`hello ${session}`);
        }
        if (url.pathname === '/acs' && req.method === 'POST') {
          const form = new URLSearchParams(body);
          res.writeHead(303, {
            location: form.get('RelayState') ?? '/',
            'set-cookie': 'sp_session=alice; Path=/; HttpOnly',
          });
          return res.end();
        }
        if (url.pathname === '/keep-post') {
          res.writeHead(307, { location: '/echo-post' });
          return res.end();
        }
        if (url.pathname === '/echo-post') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end(`${req.method} ${body}`);
        }
        res.writeHead(404);
        res.end();
      }, seenSp),
    );
    idpOrigin = `https://127.0.0.1:${await listen(idp)}`;
    spOrigin = `http://127.0.0.1:${await listen(sp)}`;
  });
  after(async () => {
    for (const s of [idp, sp]) {
      await new Promise((resolve) => s.close(resolve));
    }
  });

  it('runs an SSO round trip: redirect, sign-in with CSRF kept, auto-post back, cookies by host', async () => {
    seenIdp.length = 0;
    seenSp.length = 0;
    const browser = new ScriptedBrowser({
      insecureOrigins: [idpOrigin],
      credentials: { loginId: 'alice@x', password: 'right' },
    });
    const page = await browser.open(`${spOrigin}/app`);
    assert.equal(page.status, 200);
    assert.equal(page.body, 'hello alice');
    assert.deepEqual(
      page.steps.map((s) => `${s.cause} ${s.method} ${new URL(s.url).pathname} ${s.status}`),
      [
        'open GET /app 302',
        'redirect GET /sso 302',
        'redirect GET /login 200',
        'login POST /login 303',
        'redirect GET /sso 200',
        'auto-submit POST /acs 303',
        'redirect GET /app 200',
      ],
    );
    const login = seenIdp.find((s) => s.method === 'POST');
    assert.ok(login);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(login.body)), {
      _csrf: 'tok',
      return: '/sso?SAMLRequest=x&RelayState=%2Fapp',
      loginId: 'alice@x',
      password: 'right',
    });
    assert.equal(login.origin, idpOrigin);
    assert.equal(login.site, 'same-origin');
    // The SP's non-Secure cookies reach the IdP on the same host (ports do not count);
    // its Lax cookie does not ride along the cross-site POST back to the SP.
    assert.match(seenIdp[0]!.cookie, /sp_state_none=n1/);
    const acs = seenSp.find((s) => s.url === '/acs');
    assert.ok(acs);
    assert.equal(acs.site, 'cross-site');
    assert.equal(acs.origin, idpOrigin);
    assert.match(acs.cookie, /sp_state_none=n1/);
    assert.doesNotMatch(acs.cookie, /sp_state=lax1/);
    // The IdP's Secure cookies never go to the http SP.
    assert.doesNotMatch(seenSp.at(-1)!.cookie, /idp_session/);
  });

  it('stops at a second sign-in form instead of trying again', async () => {
    const browser = new ScriptedBrowser({
      insecureOrigins: [idpOrigin],
      credentials: { loginId: 'alice@x', password: 'wrong' },
    });
    const page = await browser.open(`${spOrigin}/app`);
    assert.equal(page.status, 401);
    assert.equal(page.steps.filter((s) => s.cause === 'login').length, 1);
  });

  it('refuses a self-signed certificate from an origin it was not told to trust', async () => {
    const browser = new ScriptedBrowser({ credentials: { loginId: 'a', password: 'right' } });
    await assert.rejects(browser.open(`${spOrigin}/app`), /self-signed|certificate/i);
  });

  it('keeps the method and body of a POST through a 307', async () => {
    const browser = new ScriptedBrowser();
    const start = await browser.navigate('GET', `${spOrigin}/echo-post`);
    const kept = await browser.navigate('POST', `${spOrigin}/keep-post`, {
      initiator: start,
      body: 'a=1',
    });
    assert.equal(kept.body, 'POST a=1');
  });
});
