/**
 * The admin REST API as its callers rely on it: who may do what (tokens, roles, operator,
 * admin browser sessions with CSRF), problem+json errors that name the bad field, user
 * CRUD with sessions ending on suspend / force-reset / revoke, the contracted user-ID count
 * (also under concurrency), CSV import with its rejected-rows file, the audit log and its
 * CSV export, API tokens and the OpenAPI document. In-process on a real PostgreSQL.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { testPostgresUrl, type TestPostgres } from '@sekisho/platform/test-support';
import {
  TEST_PASSWORD,
  operatorToken,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from './support/test-app.ts';
import { TestBrowser } from './support/browser.ts';

interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  problems?: { field: string; message: string }[];
}

interface ApiUser {
  id: string;
  loginId: string;
  email: string;
  displayName: string;
  status: string;
  groups: string[];
}

interface AuditEvent {
  id: string;
  at: string;
  action: string;
  actor_type: string;
  target_id: string | null;
}

/** Parses RFC 4180 CSV (quoted cells, CRLF) into rows of cells; drops a leading BOM. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Formats rows as CSV, quoting every cell. */
function toCsv(rows: readonly (readonly string[])[]): string {
  return (
    rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n'
  );
}

describe('admin API', () => {
  let pg: TestPostgres | undefined;
  let t: TestApp;
  let operator: string;
  let slugCounter = 0;

  before(async () => {
    pg = await testPostgresUrl();
    t = await startTestApp({ DATABASE_URL: pg.url });
    operator = await operatorToken(t.platform);
  });
  after(async () => {
    await t?.close();
    await pg?.stop();
  });

  const call = (method: string, url: string, o: CallOptions = {}) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(o.token && { authorization: `Bearer ${o.token}` }),
        ...(o.body !== undefined &&
          typeof o.body !== 'string' && {
            'content-type': 'application/json',
          }),
        ...o.headers,
      },
      ...(o.body !== undefined && {
        payload: typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
      }),
    });

  const json = <T>(res: LightMyRequestResponse): T => res.json<T>();

  /** Asserts an RFC 9457 problem response with this status and code; returns it. */
  function assertProblem(res: LightMyRequestResponse, status: number, code?: string): Problem {
    assert.equal(res.statusCode, status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const p = json<Problem>(res);
    assert.equal(p.status, status);
    assert.equal(typeof p.title, 'string');
    assert.ok(p.title.length > 0);
    assert.equal(typeof p.instance, 'string');
    assert.ok(p.instance.length > 0);
    if (code) assert.equal(p.title, code);
    return p;
  }

  const seed = (maxUsers?: number): Promise<SeededTenant> =>
    seedTenant(t.platform, `t${++slugCounter}-${Date.now().toString(36)}`, maxUsers);

  async function userCount(s: SeededTenant): Promise<number> {
    const res = await call('GET', `/api/tenants/${s.tenant.slug}/users`, { token: s.token });
    assert.equal(res.statusCode, 200, res.body);
    return json<{ total: number }>(res).total;
  }

  async function createUser(
    s: SeededTenant,
    body: Record<string, unknown>,
    token = s.token,
  ): Promise<ApiUser> {
    const res = await call('POST', `/api/tenants/${s.tenant.slug}/users`, { token, body });
    assert.equal(res.statusCode, 201, res.body);
    return json<ApiUser>(res);
  }

  async function roleToken(s: SeededTenant, role: string): Promise<string> {
    return (await t.platform.tokens.create({ tenantId: s.tenant.id, name: role, role })).token;
  }

  /** A browser signed in as a new user of `s` with TEST_PASSWORD, on the portal. */
  async function signedInUser(s: SeededTenant, loginId: string) {
    const user = await createUser(s, {
      loginId,
      displayName: 'Signed In',
      password: TEST_PASSWORD,
    });
    const browser = new TestBrowser(t.app);
    const login = await browser.login(s.tenant.slug, loginId, TEST_PASSWORD);
    assert.equal(login.statusCode, 303, login.body);
    assert.equal(login.headers.location, `/t/${s.tenant.slug}/portal`);
    const portal = await browser.get(`/t/${s.tenant.slug}/portal`);
    assert.equal(portal.statusCode, 200);
    return { user, browser };
  }

  /** Asserts the browser's session is over: the portal sends it to the login page. */
  async function assertSignedOut(browser: TestBrowser, slug: string): Promise<void> {
    const portal = await browser.get(`/t/${slug}/portal`);
    assert.equal(portal.statusCode, 303);
    assert.match(String(portal.headers.location), new RegExp(`^/t/${slug}/login`));
  }

  describe('access control', () => {
    it('answers a request without credentials with 401 problem+json', async () => {
      const s = await seed();
      const res = await call('GET', `/api/tenants/${s.tenant.slug}/users`);
      assertProblem(res, 401, 'ERR_UNAUTHENTICATED');
      assertProblem(await call('GET', '/api/tenants'), 401, 'ERR_UNAUTHENTICATED');
    });

    it('refuses an unknown or a revoked token with 401', async () => {
      const s = await seed();
      const url = `/api/tenants/${s.tenant.slug}/users`;
      const unknown = `skt_${'A'.repeat(43)}`;
      assertProblem(await call('GET', url, { token: unknown }), 401, 'ERR_UNAUTHENTICATED');
      assertProblem(await call('GET', url, { token: 'garbage' }), 401, 'ERR_UNAUTHENTICATED');

      const { token, record } = await t.platform.tokens.create({
        tenantId: s.tenant.id,
        name: 'soon revoked',
        role: 'global_admin',
      });
      assert.equal((await call('GET', url, { token })).statusCode, 200);
      await t.platform.tokens.revoke(s.tenant.id, record.id);
      assertProblem(await call('GET', url, { token }), 401, 'ERR_UNAUTHENTICATED');
    });

    it("refuses a tenant's token on another tenant with 403", async () => {
      const a = await seed();
      const b = await seed();
      const res = await call('GET', `/api/tenants/${b.tenant.slug}/users`, { token: a.token });
      assertProblem(res, 403, 'ERR_FORBIDDEN');
      const write = await call('POST', `/api/tenants/${b.tenant.slug}/users`, {
        token: a.token,
        body: { loginId: 'intruder@example.com', displayName: 'Intruder' },
      });
      assertProblem(write, 403, 'ERR_FORBIDDEN');
      assert.equal(await userCount(b), 1);
    });

    it('lets a read_only_admin read users but not create them', async () => {
      const s = await seed();
      const token = await roleToken(s, 'read_only_admin');
      const list = await call('GET', `/api/tenants/${s.tenant.slug}/users`, { token });
      assert.equal(list.statusCode, 200, list.body);
      assert.equal(json<{ total: number }>(list).total, 1);
      const res = await call('POST', `/api/tenants/${s.tenant.slug}/users`, {
        token,
        body: { loginId: 'ro@example.com', displayName: 'Read Only' },
      });
      assertProblem(res, 403, 'ERR_FORBIDDEN');
      assert.equal(await userCount(s), 1);
    });

    it('does not let a device_cert_admin create users', async () => {
      const s = await seed();
      const token = await roleToken(s, 'device_cert_admin');
      const res = await call('POST', `/api/tenants/${s.tenant.slug}/users`, {
        token,
        body: { loginId: 'dc@example.com', displayName: 'Device Cert' },
      });
      assertProblem(res, 403, 'ERR_FORBIDDEN');
      assert.equal(await userCount(s), 1);
    });

    it('lets the operator create a tenant and refuses a tenant token', async () => {
      const s = await seed();
      const slug = `op-${Date.now().toString(36)}`;
      const created = await call('POST', '/api/tenants', {
        token: operator,
        body: { slug, name: 'Operator Made', maxUsers: 7 },
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(json<{ slug: string; maxUsers: number }>(created).slug, slug);
      assert.equal(json<{ maxUsers: number }>(created).maxUsers, 7);
      const tenant = await t.platform.tenants.getBySlug(slug);
      assert.ok(tenant);
      const ca = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM device_cas WHERE tenant_id = ${tenant.id}`.execute(
        t.platform.store.db,
      );
      assert.equal(ca.rows[0]?.n, 1, 'the tenant has its device-certificate CA from the start');

      const refused = await call('POST', '/api/tenants', {
        token: s.token,
        body: { slug: `${slug}-x`, name: 'Not Allowed' },
      });
      assertProblem(refused, 403, 'ERR_FORBIDDEN');
      assert.equal(await t.platform.tenants.getBySlug(`${slug}-x`), undefined);
    });
  });

  describe('validation', () => {
    const cases: { name: string; body: Record<string, unknown>; field: string }[] = [
      {
        name: 'a login ID that is not an email',
        body: { loginId: 'not-an-email', displayName: 'Bad Mail' },
        field: 'loginId',
      },
      {
        name: 'an unknown field',
        body: { loginId: 'ok@example.com', displayName: 'Extra', favouriteColour: 'red' },
        field: 'favouriteColour',
      },
      {
        name: 'a missing displayName',
        body: { loginId: 'nodisplay@example.com' },
        field: 'displayName',
      },
    ];
    for (const c of cases) {
      it(`refuses ${c.name} with 400 naming the field, creating nothing`, async () => {
        const s = await seed();
        const res = await call('POST', `/api/tenants/${s.tenant.slug}/users`, {
          token: s.token,
          body: c.body,
        });
        const p = assertProblem(res, 400, 'ERR_VALIDATION');
        assert.ok(Array.isArray(p.problems), res.body);
        assert.ok(
          p.problems.some((x) => x.field === c.field),
          `problems should name ${c.field}: ${res.body}`,
        );
        assert.equal(await userCount(s), 1);
      });
    }
  });

  describe('users', () => {
    it('creates, reads, changes (groups by name), suspends and deletes a user', async () => {
      const s = await seed();
      const base = `/api/tenants/${s.tenant.slug}`;
      for (const name of ['sales', 'dev']) {
        const g = await call('POST', `${base}/groups`, { token: s.token, body: { name } });
        assert.equal(g.statusCode, 201, g.body);
      }

      const { user, browser } = await signedInUser(s, 'Hanako@Example.com');
      assert.equal(user.loginId, 'hanako@example.com');
      assert.equal(user.status, 'active');

      const got = await call('GET', `${base}/users/${user.id}`, { token: s.token });
      assert.equal(got.statusCode, 200);
      assert.equal(json<ApiUser>(got).displayName, 'Signed In');

      const patched = await call('PATCH', `${base}/users/${user.id}`, {
        token: s.token,
        body: { displayName: '山田 花子', groups: ['sales', 'dev'] },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(json<ApiUser>(patched).displayName, '山田 花子');
      assert.deepEqual(json<ApiUser>(patched).groups.sort(), ['dev', 'sales']);

      const unknownGroup = await call('PATCH', `${base}/users/${user.id}`, {
        token: s.token,
        body: { displayName: 'Changed?', groups: ['sales', 'nope'] },
      });
      const p = assertProblem(unknownGroup, 400, 'ERR_VALIDATION');
      assert.ok(p.problems?.some((x) => x.field === 'groups' && x.message.includes('nope')));
      const unchanged = json<ApiUser>(
        await call('GET', `${base}/users/${user.id}`, { token: s.token }),
      );
      assert.equal(unchanged.displayName, '山田 花子');
      assert.deepEqual(unchanged.groups.sort(), ['dev', 'sales']);

      // Suspending ends the user's session.
      assert.equal((await browser.get(`/t/${s.tenant.slug}/portal`)).statusCode, 200);
      const suspended = await call('PATCH', `${base}/users/${user.id}`, {
        token: s.token,
        body: { status: 'suspended' },
      });
      assert.equal(suspended.statusCode, 200, suspended.body);
      assert.equal(json<ApiUser>(suspended).status, 'suspended');
      await assertSignedOut(browser, s.tenant.slug);

      const deleted = await call('DELETE', `${base}/users/${user.id}`, { token: s.token });
      assert.equal(deleted.statusCode, 204);
      assertProblem(
        await call('GET', `${base}/users/${user.id}`, { token: s.token }),
        404,
        'ERR_USER_NOT_FOUND',
      );
      assertProblem(
        await call('DELETE', `${base}/users/${user.id}`, { token: s.token }),
        404,
        'ERR_USER_NOT_FOUND',
      );
      assert.equal(await userCount(s), 1);
    });

    it('refuses a login ID that already exists with 409', async () => {
      const s = await seed();
      await createUser(s, { loginId: 'twice@example.com', displayName: 'Once' });
      const res = await call('POST', `/api/tenants/${s.tenant.slug}/users`, {
        token: s.token,
        body: { loginId: 'TWICE@example.com', displayName: 'Twice' },
      });
      assertProblem(res, 409, 'ERR_USER_EXISTS');
      assert.equal(await userCount(s), 2);
    });
  });

  describe('contracted user-ID count', () => {
    it('refuses users beyond maxUsers with 409 and changes nothing', async () => {
      const s = await seed(3); // the seeded admin is one of the three
      await createUser(s, { loginId: 'u1@example.com', displayName: 'U1' });
      await createUser(s, { loginId: 'u2@example.com', displayName: 'U2' });
      for (const loginId of ['u3@example.com', 'u4@example.com']) {
        const res = await call('POST', `/api/tenants/${s.tenant.slug}/users`, {
          token: s.token,
          body: { loginId, displayName: 'Over' },
        });
        assertProblem(res, 409, 'ERR_TENANT_USER_LIMIT');
      }
      assert.equal(await userCount(s), 3);
      assert.equal(await t.platform.users.getByLoginId(s.tenant.id, 'u3@example.com'), undefined);
    });

    it('never exceeds maxUsers under 10 concurrent creates', async () => {
      const s = await seed(4);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          call('POST', `/api/tenants/${s.tenant.slug}/users`, {
            token: s.token,
            body: { loginId: `c${i}@example.com`, displayName: `C${i}` },
          }),
        ),
      );
      const codes = results.map((r) => r.statusCode);
      assert.equal(codes.filter((c) => c === 201).length, 3, codes.join(','));
      assert.equal(codes.filter((c) => c === 409).length, 7, codes.join(','));
      for (const r of results.filter((x) => x.statusCode === 409))
        assert.equal(json<Problem>(r).title, 'ERR_TENANT_USER_LIMIT');
      assert.equal(await userCount(s), 4);
    });
  });

  describe('CSV import', () => {
    it('applies good rows up to the limit, reports the others, and takes the fixed file back', async () => {
      const s = await seed(5); // admin + 4
      const base = `/api/tenants/${s.tenant.slug}`;
      const g = await call('POST', `${base}/groups`, { token: s.token, body: { name: '営業' } });
      assert.equal(g.statusCode, 201, g.body);

      const lines = [
        'login_id,display_name,groups', //                line 1
        'yamada@example.jp,山田 太郎,営業', //            2 good
        'not-an-email,鈴木 一郎,', //                     3 bad email
        'sato@example.jp,,', //                           4 no display name
        'YAMADA@example.jp,山田 花子,', //                5 duplicate login ID
        'tanaka@example.jp,田中 次郎,存在しない', //      6 unknown group
        'ito@example.jp,伊藤 三郎,', //                   7 good
        'watanabe@example.jp,"渡辺, 四郎",', //           8 good (quoted comma)
        'kobayashi@example.jp,小林 五郎,営業', //         9 good: the tenant is now full
        'kato@example.jp,加藤 六郎,', //                  10 over the limit
        'yoshida@example.jp,吉田 七郎,', //               11 over the limit
      ];
      const file = Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
      const res = await t.app.inject({
        method: 'POST',
        url: `${base}/users/import`,
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'text/csv; charset=utf-8' },
        payload: file,
      });
      assert.equal(res.statusCode, 200, res.body);
      const report = json<{
        applied: number;
        rejected: { line: number; loginId: string; reasons: string[] }[];
        rejectedCsvUrl: string | null;
      }>(res);
      assert.equal(report.applied, 4);
      const byLine = new Map(report.rejected.map((r) => [r.line, r]));
      assert.deepEqual(
        [...byLine.keys()].sort((a, b) => a - b),
        [3, 4, 5, 6, 10, 11],
      );
      const reason = (line: number) => byLine.get(line)!.reasons.join(' | ');
      assert.match(reason(3), /loginId/);
      assert.match(reason(4), /displayName/);
      assert.match(reason(5), /already exists/);
      assert.match(reason(6), /存在しない/);
      assert.match(reason(10), /contracted user-ID count/);
      assert.match(reason(11), /contracted user-ID count/);
      assert.equal(byLine.get(3)!.loginId, 'not-an-email');
      assert.equal(byLine.get(10)!.loginId, 'kato@example.jp');

      assert.equal(await userCount(s), 5);
      const yamada = await t.platform.users.getByLoginId(s.tenant.id, 'yamada@example.jp');
      assert.equal(yamada?.displayName, '山田 太郎');
      assert.deepEqual(yamada?.groups, ['営業']);
      const watanabe = await t.platform.users.getByLoginId(s.tenant.id, 'watanabe@example.jp');
      assert.equal(watanabe?.displayName, '渡辺, 四郎');
      assert.equal(await t.platform.users.getByLoginId(s.tenant.id, 'kato@example.jp'), undefined);

      // The rejected rows, as a file to fix.
      assert.ok(report.rejectedCsvUrl);
      const dl = await call('GET', report.rejectedCsvUrl, { token: s.token });
      assert.equal(dl.statusCode, 200, dl.body);
      assert.match(String(dl.headers['content-type']), /^text\/csv/);
      const rows = parseCsv(dl.body);
      assert.deepEqual(rows[0], ['login_id', 'display_name', 'groups', 'error']);
      const body = rows.slice(1);
      assert.deepEqual(
        body.map((r) => r[0]),
        [
          'not-an-email',
          'sato@example.jp',
          'YAMADA@example.jp',
          'tanaka@example.jp',
          'kato@example.jp',
          'yoshida@example.jp',
        ],
      );
      assert.deepEqual(body[0]?.slice(0, 3), ['not-an-email', '鈴木 一郎', '']);
      for (const r of body) assert.ok(r[3] && r[3].length > 0, `error column empty: ${r}`);
      assert.match(body[3]![3]!, /存在しない/);

      // Fix every row, raise the contract, upload the same file again.
      const fixed = body.map((r) => [...r]);
      fixed[0]![0] = 'suzuki@example.jp';
      fixed[1]![1] = '佐藤 花子';
      fixed[2]![0] = 'yamada.hanako@example.jp';
      fixed[3]![2] = '営業';
      const raise = await call('PATCH', base, { token: operator, body: { maxUsers: 11 } });
      assert.equal(raise.statusCode, 200, raise.body);
      const again = await t.app.inject({
        method: 'POST',
        url: `${base}/users/import`,
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'text/csv' },
        payload: '\uFEFF' + toCsv([rows[0]!, ...fixed]),
      });
      assert.equal(again.statusCode, 200, again.body);
      const second = json<{ applied: number; rejected: unknown[]; rejectedCsvUrl: unknown }>(again);
      assert.deepEqual(second.rejected, []);
      assert.equal(second.applied, 6);
      assert.equal(second.rejectedCsvUrl, null);
      assert.equal(await userCount(s), 11);
      const tanaka = await t.platform.users.getByLoginId(s.tenant.id, 'tanaka@example.jp');
      assert.deepEqual(tanaka?.groups, ['営業']);
      const sato = await t.platform.users.getByLoginId(s.tenant.id, 'sato@example.jp');
      assert.equal(sato?.displayName, '佐藤 花子');
    });

    it('reads a file without BOM', async () => {
      const s = await seed();
      const res = await call('POST', `/api/tenants/${s.tenant.slug}/users/import`, {
        token: s.token,
        headers: { 'content-type': 'text/csv' },
        body: 'email,display_name\nnobom@example.jp,高橋 一\n',
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(json<{ applied: number }>(res).applied, 1);
      const user = await t.platform.users.getByLoginId(s.tenant.id, 'nobom@example.jp');
      assert.equal(user?.displayName, '高橋 一');
    });

    it('refuses a file whose header names no login_id or email column', async () => {
      const s = await seed();
      const res = await call('POST', `/api/tenants/${s.tenant.slug}/users/import`, {
        token: s.token,
        headers: { 'content-type': 'text/csv' },
        body: 'name,display_name\nsomeone@example.jp,Someone\n',
      });
      const p = assertProblem(res, 400, 'ERR_VALIDATION');
      assert.ok(
        p.problems?.some((x) => x.field === 'file'),
        res.body,
      );
      assert.equal(await userCount(s), 1);
    });
  });

  describe('sessions and passwords', () => {
    it('force-reset ends the session, mails the user and requires a new password', async () => {
      const s = await seed();
      const loginId = 'reset.me@example.com';
      const { user, browser } = await signedInUser(s, loginId);
      const mailsBefore = t.outbox().length;

      const res = await call('POST', `/api/tenants/${s.tenant.slug}/users/${user.id}/force-reset`, {
        token: s.token,
      });
      assert.equal(res.statusCode, 204, res.body);
      await assertSignedOut(browser, s.tenant.slug);

      const mails = t.outbox().slice(mailsBefore);
      assert.equal(mails.length, 1);
      assert.match(mails[0]!, new RegExp(`^To: .*${loginId.replace(/\./g, '\\.')}`, 'im'));

      const login = await browser.login(s.tenant.slug, loginId, TEST_PASSWORD);
      assert.equal(login.statusCode, 303, login.body);
      assert.equal(login.headers.location, `/t/${s.tenant.slug}/password/change`);
      const portal = await browser.get(`/t/${s.tenant.slug}/portal`);
      assert.equal(portal.statusCode, 303);
      assert.equal(portal.headers.location, `/t/${s.tenant.slug}/password/change`);

      const csrf = await browser.csrfFrom(`/t/${s.tenant.slug}/password/change`);
      const next = 'a brand new passphrase 42';
      const changed = await browser.post(`/t/${s.tenant.slug}/password/change`, {
        _csrf: csrf,
        newPassword: next,
        confirm: next,
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal((await browser.get(`/t/${s.tenant.slug}/portal`)).statusCode, 200);

      const fresh = new TestBrowser(t.app);
      const relogin = await fresh.login(s.tenant.slug, loginId, next);
      assert.equal(relogin.headers.location, `/t/${s.tenant.slug}/portal`);
    });

    it('DELETE /users/:id/sessions ends a signed-in browser session', async () => {
      const s = await seed();
      const { user, browser } = await signedInUser(s, 'revoke.me@example.com');
      const res = await call('DELETE', `/api/tenants/${s.tenant.slug}/users/${user.id}/sessions`, {
        token: s.token,
      });
      assert.equal(res.statusCode, 204, res.body);
      await assertSignedOut(browser, s.tenant.slug);
      // The user can still sign in again: only the sessions ended, not the account.
      const login = await browser.login(s.tenant.slug, 'revoke.me@example.com', TEST_PASSWORD);
      assert.equal(login.headers.location, `/t/${s.tenant.slug}/portal`);
    });

    it("refuses an admin's password-only browser session (admin sign-in needs a second factor)", async () => {
      const s = await seed();
      const browser = new TestBrowser(t.app);
      const login = await browser.login(s.tenant.slug, s.admin.loginId, s.adminPassword);
      assert.equal(login.statusCode, 303, login.body);
      assertProblem(
        await browser.get(`/api/tenants/${s.tenant.slug}/users`),
        403,
        'ERR_SECOND_FACTOR_REQUIRED',
      );
      const page = await browser.get(`/t/${s.tenant.slug}/portal`);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      assert.ok(token);
      const created = await t.app.inject({
        method: 'POST',
        url: `/api/tenants/${s.tenant.slug}/users`,
        headers: {
          cookie: browser.cookieHeader,
          'content-type': 'application/json',
          'x-csrf-token': token,
        },
        payload: JSON.stringify({ loginId: 'via.session@example.com', displayName: 'Session' }),
      });
      assertProblem(created, 403, 'ERR_SECOND_FACTOR_REQUIRED');
      assert.equal(await userCount(s), 1);
    });

    it("accepts an admin's session that used a second factor, requiring x-csrf-token on writes", async () => {
      const s = await seed();
      // No factor can run yet (Lock/TOTP come later): build the cookie such a sign-in makes.
      const now = Date.now();
      const session = t.app.createSecureSession({
        csrf: 'csrf-token-of-this-session',
        auth: {
          sid: randomUUID(),
          tenantId: s.tenant.id,
          userId: s.admin.id,
          issuedAt: now,
          lastSeen: now,
          mustChangePassword: false,
          amr: ['pwd', 'mfa'],
        },
      });
      const cookie = `sekisho_session=${encodeURIComponent(t.app.encodeSecureSession(session))}`;
      const list = await t.app.inject({
        method: 'GET',
        url: `/api/tenants/${s.tenant.slug}/users`,
        headers: { cookie },
      });
      assert.equal(list.statusCode, 200, list.body);
      const post = (headers: Record<string, string>) =>
        t.app.inject({
          method: 'POST',
          url: `/api/tenants/${s.tenant.slug}/users`,
          headers: { cookie, 'content-type': 'application/json', ...headers },
          payload: JSON.stringify({ loginId: 'via.session@example.com', displayName: 'Session' }),
        });
      assertProblem(await post({}), 403, 'ERR_CSRF');
      assertProblem(await post({ 'x-csrf-token': 'wrong' }), 403, 'ERR_CSRF');
      assert.equal(await userCount(s), 1);
      const created = await post({ 'x-csrf-token': 'csrf-token-of-this-session' });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(await userCount(s), 2);

      // The session of a user who is not an admin does not open the API.
      const other = await signedInUser(s, 'plain.user@example.com');
      const res = await other.browser.get(`/api/tenants/${s.tenant.slug}/users`);
      assertProblem(res, 403, 'ERR_FORBIDDEN');
    });
  });

  describe('audit', () => {
    it('finds the admin actions by user, action prefix and time range, and exports CSV', async () => {
      const s = await seed();
      const base = `/api/tenants/${s.tenant.slug}`;
      const start = new Date(Date.now() - 1000);
      const user = await createUser(s, { loginId: 'audited@example.com', displayName: 'Audited' });
      const other = await createUser(s, { loginId: 'bystander@example.com', displayName: 'B' });
      const patch = await call('PATCH', `${base}/users/${user.id}`, {
        token: s.token,
        body: { displayName: 'Audited Twice' },
      });
      assert.equal(patch.statusCode, 200);
      const revoke = await call('DELETE', `${base}/users/${user.id}/sessions`, { token: s.token });
      assert.equal(revoke.statusCode, 204);
      const end = new Date(Date.now() + 1000);

      const search = async (query: Record<string, string>) => {
        const res = await call('GET', `${base}/audit?${new URLSearchParams(query).toString()}`, {
          token: s.token,
        });
        assert.equal(res.statusCode, 200, res.body);
        return json<{ events: AuditEvent[] }>(res).events;
      };

      const mine = await search({ userId: user.id });
      assert.deepEqual(
        mine.map((e) => e.action),
        ['user.sessions-revoke', 'user.update', 'user.create'],
      );
      for (const e of mine) {
        assert.equal(e.target_id, user.id);
        assert.equal(e.actor_type, 'token');
      }

      const userActions = await search({ action: 'user.' });
      assert.equal(userActions.length, 4);
      assert.ok(userActions.every((e) => e.action.startsWith('user.')));
      assert.ok(userActions.some((e) => e.target_id === other.id));

      const inRange = await search({ from: start.toISOString(), to: end.toISOString() });
      assert.equal(inRange.length, 4);
      const later = await search({ from: end.toISOString() });
      assert.deepEqual(later, []);
      const earlier = await search({ to: start.toISOString() });
      assert.deepEqual(earlier, []);

      const csv = await call('GET', `${base}/audit.csv?userId=${user.id}`, { token: s.token });
      assert.equal(csv.statusCode, 200, csv.body);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      const rows = parseCsv(csv.body);
      const header = rows[0]!;
      assert.ok(header.includes('action') && header.includes('at') && header.includes('target_id'));
      const action = header.indexOf('action');
      assert.deepEqual(
        rows.slice(1).map((r) => r[action]),
        ['user.sessions-revoke', 'user.update', 'user.create'],
      );

      // Another tenant's token sees none of it.
      const b = await seed();
      const foreign = await call('GET', `${base}/audit`, { token: b.token });
      assertProblem(foreign, 403, 'ERR_FORBIDDEN');
    });
  });

  describe('API tokens', () => {
    it('shows a new token once, lists tokens without values, and revokes them', async () => {
      const s = await seed();
      const base = `/api/tenants/${s.tenant.slug}`;
      const created = await call('POST', `${base}/tokens`, {
        token: s.token,
        body: { name: 'ci script', role: 'read_only_admin' },
      });
      assert.equal(created.statusCode, 201, created.body);
      const { token, record } = json<{ token: string; record: { id: string; role: string } }>(
        created,
      );
      assert.match(token, /^skt_/);
      assert.equal(record.role, 'read_only_admin');

      const list = await call('GET', `${base}/tokens`, { token: s.token });
      assert.equal(list.statusCode, 200);
      const tokens = json<Record<string, unknown>[]>(list);
      assert.ok(tokens.some((x) => x.id === record.id && x.name === 'ci script'));
      assert.ok(!list.body.includes(token), 'the list never shows a token value');
      assert.ok(tokens.every((x) => !('token' in x) && !('tokenHash' in x)));

      assert.equal((await call('GET', `${base}/users`, { token })).statusCode, 200);
      const revoked = await call('DELETE', `${base}/tokens/${record.id}`, { token: s.token });
      assert.equal(revoked.statusCode, 204);
      assertProblem(await call('GET', `${base}/users`, { token }), 401, 'ERR_UNAUTHENTICATED');
      const listed = json<{ id: string; revokedAt: string | null }[]>(
        await call('GET', `${base}/tokens`, { token: s.token }),
      );
      assert.ok(listed.find((x) => x.id === record.id)?.revokedAt);
    });
  });

  describe('OpenAPI', () => {
    it('publishes a valid OpenAPI 3.1 document listing the users path', async () => {
      const res = await call('GET', '/api/openapi.json');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const doc = json<{
        openapi: string;
        info: { title: string; version: string };
        paths: Record<string, Record<string, { responses?: object; parameters?: unknown[] }>>;
      }>(res);
      assert.match(doc.openapi, /^3\.1\.\d+$/);
      assert.equal(typeof doc.info.title, 'string');
      assert.equal(typeof doc.info.version, 'string');
      const users = doc.paths['/api/tenants/{tenant}/users'];
      assert.ok(users?.get && users.post, Object.keys(doc.paths).join('\n'));
      assert.ok(doc.paths['/api/tenants/{tenant}/users/{id}']?.patch);
      // Structural rules of the spec: every templated path parameter is declared as a
      // required path parameter, and every operation has responses.
      const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
      for (const [path, item] of Object.entries(doc.paths)) {
        assert.ok(path.startsWith('/'), path);
        assert.ok(!path.includes(':'), `express-style parameter left in ${path}`);
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        for (const [method, op] of Object.entries(item)) {
          if (!methods.includes(method)) continue;
          assert.ok(op.responses && Object.keys(op.responses).length, `${method} ${path}`);
          const params = (op.parameters ?? []) as {
            in: string;
            name: string;
            required?: boolean;
          }[];
          for (const name of templated) {
            const p = params.find((x) => x.in === 'path' && x.name === name);
            assert.ok(p?.required, `${method} ${path} declares path parameter ${name}`);
          }
        }
      }
    });
  });
});
