/**
 * Password sign-in through the real pages: lockout, per-IP throttling, CSRF, sessions,
 * self-service change, admin-forced change, reset by mail link (expiry, single use), and
 * the language of the pages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { ManualClock } from '@sekisho/platform';
import { TestBrowser } from './support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from './support/test-app.ts';

const NEW_PASSWORD = 'a brand new passphrase 2026';

async function resetLinkIn(raw: string): Promise<string> {
  const mail = await simpleParser(raw);
  const m = /https:\/\/sekisho\.test(\/t\/[a-z0-9-]+\/password\/reset\?token=[A-Za-z0-9_%-]+)/.exec(
    mail.text ?? '',
  );
  assert.ok(m?.[1], 'the mail carries a reset link');
  return m[1];
}

describe('password sign-in', () => {
  let t: TestApp;
  let seeded: SeededTenant;
  const clock = new ManualClock(new Date());

  before(async () => {
    t = await startTestApp(
      { LOCKOUT_THRESHOLD: '5', IP_FAILURE_LIMIT: '1000', PUBLIC_URL: 'https://sekisho.test' },
      clock,
    );
    seeded = await seedTenant(t.platform, 'acme');
  });
  after(() => t.close());

  test('the right password signs in and the portal greets the user', async () => {
    const b = new TestBrowser(t.app);
    const res = await b.login('acme', 'ADMIN@acme.example', TEST_PASSWORD);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/t/acme/portal');
    const portal = await b.get('/t/acme/portal');
    assert.equal(portal.statusCode, 200);
    assert.match(portal.body, /admin@acme\.example/);
    const events = await t.platform.audit.search(seeded.tenant.id, {
      action: 'login.password',
      result: 'success',
    });
    assert.ok(events.length >= 1);
  });

  test('a POST without the form CSRF token is refused and signs nobody in', async () => {
    const b = new TestBrowser(t.app);
    await b.get('/t/acme/login');
    const res = await b.post('/t/acme/login', {
      loginId: 'admin@acme.example',
      password: TEST_PASSWORD,
    });
    assert.equal(res.statusCode, 403);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 303);
  });

  test('five wrong passwords lock the account, even against the right password, until the lock ends', async () => {
    const user = await t.platform.users.create(
      seeded.tenant.id,
      { loginId: 'lock@acme.example', displayName: 'Lock' },
      await (await import('@sekisho/platform')).hashPassword(TEST_PASSWORD),
    );
    const b = new TestBrowser(t.app);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await b.login('acme', 'lock@acme.example', 'wrong password ' + i)).statusCode);
    assert.deepEqual(statuses, [401, 401, 401, 401, 423]);
    const locked = await b.login('acme', 'lock@acme.example', TEST_PASSWORD);
    assert.equal(locked.statusCode, 423);
    const lockEvents = await t.platform.audit.search(seeded.tenant.id, {
      action: 'login.locked',
      userId: user.id,
    });
    assert.equal(lockEvents.length, 1);
    clock.advance(15 * 60_000 + 1000);
    assert.equal((await b.login('acme', 'lock@acme.example', TEST_PASSWORD)).statusCode, 303);
  });

  test('an unknown login ID answers exactly like a wrong password', async () => {
    const b = new TestBrowser(t.app, { 'accept-language': 'en' });
    const unknown = await b.login('acme', 'nobody@acme.example', 'whatever whatever');
    const wrong = await b.login('acme', 'admin@acme.example', 'whatever whatever');
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.statusCode, 401);
    const msg = (html: string) => /<p class="error"[^>]*>([^<]*)</.exec(html)?.[1];
    assert.equal(msg(unknown.body), msg(wrong.body));
  });

  test('pages speak Japanese or English by Accept-Language, and ?lang= switches', async () => {
    const ja = await new TestBrowser(t.app, { 'accept-language': 'ja-JP,ja;q=0.9' }).get(
      '/t/acme/login',
    );
    assert.match(ja.body, /<html lang="ja"/);
    assert.match(ja.body, /サインイン/);
    const en = new TestBrowser(t.app, { 'accept-language': 'en-US' });
    assert.match((await en.get('/t/acme/login')).body, /Sign in/);
    assert.match((await en.get('/t/acme/login?lang=ja')).body, /サインイン/);
    assert.match(
      (await en.get('/t/acme/login')).body,
      /サインイン/,
      'the choice sticks to the session',
    );
  });

  test('the sign-in page offers device-certificate login, which explains it is not set up yet', async () => {
    const b = new TestBrowser(t.app, { 'accept-language': 'en' });
    const page = await b.get('/t/acme/login');
    assert.match(page.body, /href="\/t\/acme\/login\/certificate">Log in with device certificate</);
    const res = await b.get('/t/acme/login/certificate');
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /No device certificate was presented/);
  });

  test('an unknown tenant gets a readable 404 page', async () => {
    const res = await new TestBrowser(t.app, { 'accept-language': 'en' }).get('/t/nope/login');
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.body, /Reference/);
  });

  test('self-service change needs the current password, refuses weak ones and mails the user', async () => {
    const { hashPassword } = await import('@sekisho/platform');
    await t.platform.users.create(
      seeded.tenant.id,
      { loginId: 'change@acme.example', displayName: 'Change' },
      await hashPassword(TEST_PASSWORD),
    );
    const b = new TestBrowser(t.app, { 'accept-language': 'en' });
    await b.login('acme', 'change@acme.example', TEST_PASSWORD);
    const csrf = await b.csrfFrom('/t/acme/password/change');
    const wrong = await b.post('/t/acme/password/change', {
      _csrf: csrf,
      currentPassword: 'not it at all',
      newPassword: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    assert.equal(wrong.statusCode, 401);
    const weak = await b.post('/t/acme/password/change', {
      _csrf: csrf,
      currentPassword: TEST_PASSWORD,
      newPassword: 'short',
      confirm: 'short',
    });
    assert.equal(weak.statusCode, 400);
    const before = t.outbox().length;
    const ok = await b.post('/t/acme/password/change', {
      _csrf: csrf,
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    assert.equal(ok.statusCode, 200);
    assert.equal(t.outbox().length, before + 1);
    assert.equal(
      (await new TestBrowser(t.app).login('acme', 'change@acme.example', TEST_PASSWORD)).statusCode,
      401,
    );
    assert.equal(
      (await new TestBrowser(t.app).login('acme', 'change@acme.example', NEW_PASSWORD)).statusCode,
      303,
    );
  });

  test('a reset link from the mail sets a new password once, and expires', async () => {
    const { hashPassword } = await import('@sekisho/platform');
    await t.platform.users.create(
      seeded.tenant.id,
      { loginId: 'reset@acme.example', displayName: 'Reset', locale: 'ja' },
      await hashPassword(TEST_PASSWORD),
    );
    const b = new TestBrowser(t.app);
    const before = t.outbox().length;
    const forgot = await b.post('/t/acme/password/forgot', {
      _csrf: await b.csrfFrom('/t/acme/password/forgot'),
      loginId: 'reset@acme.example',
    });
    assert.equal(forgot.statusCode, 200);
    const unknown = await b.post('/t/acme/password/forgot', {
      _csrf: await b.csrfFrom('/t/acme/password/forgot'),
      loginId: 'ghost@acme.example',
    });
    assert.equal(unknown.statusCode, 200);
    assert.equal(t.outbox().length, before + 1, 'one mail, for the existing account only');
    const mail = t.outbox().at(-1)!;
    const parsed = await simpleParser(mail);
    assert.equal(
      parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '',
      'reset@acme.example',
    );
    assert.match(parsed.subject ?? '', /パスワード再設定/, "the mail is in the user's language");
    const link = await resetLinkIn(mail);
    const token = decodeURIComponent(link.split('token=')[1]!);
    assert.equal((await b.get(link)).statusCode, 200);
    const csrf = await b.csrfFrom(link);
    const done = await b.post('/t/acme/password/reset', {
      _csrf: csrf,
      token,
      newPassword: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    assert.equal(done.statusCode, 200);
    assert.equal(
      (await new TestBrowser(t.app).login('acme', 'reset@acme.example', NEW_PASSWORD)).statusCode,
      303,
    );
    const again = await b.post('/t/acme/password/reset', {
      _csrf: csrf,
      token,
      newPassword: 'yet another passphrase',
      confirm: 'yet another passphrase',
    });
    assert.equal(again.statusCode, 400, 'a used link does not work twice');
    assert.equal((await b.get(link)).statusCode, 400);

    await b.post('/t/acme/password/forgot', {
      _csrf: await b.csrfFrom('/t/acme/password/forgot'),
      loginId: 'reset@acme.example',
    });
    const late = await resetLinkIn(t.outbox().at(-1)!);
    clock.advance(31 * 60_000);
    assert.equal((await b.get(late)).statusCode, 400, 'an expired link does not work');
  });

  test('signing out ends the session', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', 'admin@acme.example', TEST_PASSWORD);
    const csrf = await b.csrfFrom('/t/acme/portal');
    assert.equal((await b.post('/t/acme/logout', { _csrf: csrf })).statusCode, 303);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 303);
  });

  test("another tenant's sign-out leaves the session alone", async () => {
    await seedTenant(t.platform, 'other');
    const b = new TestBrowser(t.app);
    await b.login('acme', 'admin@acme.example', TEST_PASSWORD);
    const csrf = await b.csrfFrom('/t/acme/portal');
    const before = await t.platform.audit.search(seeded.tenant.id, { action: 'logout' });
    assert.equal((await b.post('/t/other/logout', { _csrf: csrf })).statusCode, 303);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 200, 'still signed in to acme');
    const after = await t.platform.audit.search(seeded.tenant.id, { action: 'logout' });
    assert.equal(after.length, before.length, 'no logout recorded');
  });
});

describe('per-IP throttling', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ IP_FAILURE_LIMIT: '3', IP_FAILURE_WINDOW_SECONDS: '60' });
    await seedTenant(t.platform, 'burst');
  });
  after(() => t.close());

  test('a burst of failures from one address is throttled with Retry-After, other addresses are not', async () => {
    const b = new TestBrowser(t.app);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await b.login('burst', `user${i}@burst.example`, 'wrong password')).statusCode);
    assert.deepEqual(codes, [401, 401, 401, 429, 429]);
    const throttled = await b.login('burst', 'admin@burst.example', TEST_PASSWORD);
    assert.equal(throttled.statusCode, 429);
    assert.ok(Number(throttled.headers['retry-after']) > 0);
    const other = new TestBrowser(t.app);
    const csrf = await other.csrfFrom('/t/burst/login');
    const res = await t.app.inject({
      method: 'POST',
      url: '/t/burst/login',
      remoteAddress: '192.0.2.7',
      headers: { cookie: other.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrf,
        loginId: 'admin@burst.example',
        password: TEST_PASSWORD,
      }).toString(),
    });
    assert.equal(res.statusCode, 303);
  });
});
