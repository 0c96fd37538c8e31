/**
 * The device-certificate admin API (#5), continued: bulk issuance from CSV/TSV (good rows
 * applied, bad rows reported and re-uploadable once fixed), the installation mail queued and
 * delivered by the background job in the chosen language with its status in the list, list
 * filters and the CSV export, renewal, device swap, settings, trust anchors and the renewal
 * reminders. Real app on a real PostgreSQL; mails read back from the outbox.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { simpleParser } from 'mailparser';
import writeExcelFile from 'write-excel-file/node';
import type { User } from '@sekisho/platform';
import { createDeviceCertService, type DeviceCertService } from '@sekisho/device-cert';
import { deliverDeviceCertMails, sendDeviceCertReminders } from '../src/jobs/device-cert-jobs.ts';
import { deviceCertAdminKit, openssl } from './support/device-cert-admin-kit.ts';
import { startTestApp, type SeededTenant, type TestApp } from './support/test-app.ts';

interface ApiCert {
  id: string;
  userId: string;
  serial: string;
  status: string;
  displayStatus: string;
  loginType: string;
  renewedFrom: string | null;
  device: { os: string; deviceIdType: string; deviceId: string; description: string };
  mail: { status: string; locale: string | null; error: string | null; sentAt: string | null };
}
interface ImportResult {
  issued: ApiCert[];
  rejected: { line: number; row: Record<string, string>; code: string; error: string }[];
  rejectedCsv: string | null;
}

const HEADER = 'login_id,os,device_id_type,device_id,description,login_type,mail_locale';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A self-signed CA certificate (basicConstraints CA:TRUE) made by openssl. */
function makeCa(cn: string): string {
  const r = openssl(
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30'],
      ...['-keyout', 'key.pem', '-out', 'ca.pem', '-subj', `/CN=${cn}`],
      ...['-addext', 'basicConstraints=critical,CA:TRUE'],
    ],
    undefined,
    'ca.pem',
  );
  assert.equal(r.status, 0, r.out);
  return r.file;
}

describe('device-certificate admin API: bulk, mail, list, lifecycle', () => {
  let t: TestApp;
  let certs: DeviceCertService;
  let n = 0;

  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    certs = createDeviceCertService({ platform: t.platform });
  });
  after(() => t.close());

  const kit = deviceCertAdminKit(() => t, 'dcl');
  const { call, problem, addUser, base } = kit;
  const seed = (maxDeviceCerts = 20) => kit.seed(maxDeviceCerts);

  async function issue(s: SeededTenant, user: User, extra: Record<string, unknown> = {}) {
    const res = await call('POST', base(s), s.token, {
      userId: user.id,
      device: { os: 'Windows 11', deviceIdType: 'serial', deviceId: `SN${++n}` },
      loginType: 'personal',
      ...extra,
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<ApiCert>();
  }

  async function list(s: SeededTenant, query = ''): Promise<ApiCert[]> {
    const res = await call('GET', `${base(s)}${query}`, s.token);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ certificates: ApiCert[] }>().certificates;
  }

  /** Outbox mails to `to`, parsed. */
  async function mailsTo(to: string) {
    const parsed = await Promise.all(t.outbox().map((raw) => simpleParser(raw)));
    return parsed.filter((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '') === to);
  }

  it('bulk CSV: good rows issued, each bad row reported, the fixed rejected rows re-upload', async () => {
    const s = await seed();
    const a = await addUser(s, 'ann');
    const b = await addUser(s, 'ben');
    const csv = [
      HEADER,
      `${a.loginId},iOS 18,udid,U-1,Phone,personal,ja`,
      `ghost@${s.tenant.slug}.example,iOS 18,udid,U-2,,personal,`,
      `${b.loginId},macOS 15,serial,M-1,Mac,admin,en`,
      `${b.loginId},Windows 11,serial,W-1,,shared,`,
      `${a.loginId},iOS 18,udid,U-1,Same phone,personal,`,
    ].join('\r\n');
    const res = await call('POST', `${base(s)}/import`, s.token, csv, 'text/csv');
    assert.equal(res.statusCode, 200, res.body);
    const first = res.json<ImportResult>();
    assert.deepEqual(
      first.issued.map((c) => c.device.deviceId),
      ['U-1', 'W-1'],
    );
    assert.deepEqual(
      first.rejected.map((r) => [r.line, r.code]),
      [
        [3, 'ERR_USER_NOT_FOUND'],
        [4, 'ERR_VALIDATION'],
        [6, 'ERR_DEVICE_CERT_DUPLICATE_DEVICE'],
      ],
    );
    assert.match(first.rejected[1]?.error ?? '', /loginType/);
    assert.ok(first.rejectedCsv);

    // The admin fixes the rejected rows in the file they got back and uploads it again.
    const rows = parse(first.rejectedCsv.replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.error));
    await addUser(s, 'ghost');
    const fixed = rows.map((r): Record<string, string> => ({
      ...r,
      login_type: r.login_type === 'admin' ? 'personal' : (r.login_type ?? ''),
      device_id: r.device_id === 'U-1' ? 'U-3' : (r.device_id ?? ''),
    }));
    const cols = Object.keys(fixed[0] ?? {});
    const again = [cols.join(','), ...fixed.map((r) => cols.map((c) => r[c]).join(','))].join('\n');
    const second = await call('POST', `${base(s)}/import`, s.token, again, 'text/csv');
    assert.equal(second.statusCode, 200, second.body);
    const result = second.json<ImportResult>();
    assert.equal(result.rejected.length, 0, JSON.stringify(result.rejected));
    assert.equal(result.rejectedCsv, null);
    assert.deepEqual(result.issued.map((c) => c.device.deviceId).sort(), ['M-1', 'U-2', 'U-3']);
    assert.equal((await list(s)).length, 5);

    const audit = await t.platform.audit.search(s.tenant.id, { action: 'device-cert.import' });
    assert.deepEqual(audit.map((e) => e.result).sort(), ['failure', 'success']);
  });

  it('bulk TSV and JSON bodies; an unreadable file is refused whole, nothing issued', async () => {
    const s = await seed();
    const u = await addUser(s, 'tina');
    const tsv = `ログインID\tOS\tデバイスID種別\tデバイスID\tログイン種別\n${u.loginId}\tAndroid 15\timei\t350000000000001\t個人\n`;
    const res = await call('POST', `${base(s)}/import`, s.token, tsv, 'text/tab-separated-values');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<ImportResult>().issued[0]?.loginType, 'personal');

    const json = await call('POST', `${base(s)}/import`, s.token, {
      content: `${HEADER.replaceAll(',', '\t')}\n${u.loginId}\tiOS 18\tudid\tJ-1\t\tshared\t`,
      format: 'tsv',
    });
    assert.equal(json.statusCode, 200, json.body);
    assert.equal(json.json<ImportResult>().issued.length, 1);

    const noHeader = await call(
      'POST',
      `${base(s)}/import`,
      s.token,
      `login_id,os\n${u.loginId},iOS`,
      'text/csv',
    );
    problem(noHeader, 400, 'ERR_DEVICE_CERT_FILE_INVALID');
    // Shift_JIS bytes ("端末" in the description) are not UTF-8: refused, never guessed.
    const sjis = Buffer.concat([
      Buffer.from(`${HEADER.replaceAll(',', '\t')}\n${u.loginId}\tiOS\tudid\tS-1\t`),
      Buffer.from([0x92, 0x5b, 0x96, 0x96]),
      Buffer.from('\tpersonal\t\n'),
    ]);
    problem(
      await call('POST', `${base(s)}/import`, s.token, sjis, 'text/tab-separated-values'),
      400,
      'ERR_DEVICE_CERT_FILE_INVALID',
    );
    problem(
      await call('POST', `${base(s)}/import`, s.token, { content: 1 }),
      400,
      'ERR_VALIDATION',
    );
    assert.equal((await list(s)).length, 2);
  });

  it('bulk XLSX: good rows issued, bad ones reported by worksheet row, rejectedCsv to fix', async () => {
    const s = await seed();
    const a = await addUser(s, 'xena');
    const book = await writeExcelFile([
      ['ログインID', 'OS', 'デバイスID種別', 'デバイスID', '説明', 'ログイン種別'],
      [a.loginId, 'iOS 18', 'serial', '00042', '受付', '個人'],
      [null, null, null, null, null, null],
      [`ghost@${s.tenant.slug}.example`, 'iOS 18', 'udid', 'X-2', null, 'personal'],
      [a.loginId, 'Android 15', 'imei', 350000000000002, null, 'shared'],
      [a.loginId, 'macOS 15', 'serial', 'X-4', null, 'admin'],
    ]).toBuffer();
    const res = await call('POST', `${base(s)}/import`, s.token, book, XLSX);
    assert.equal(res.statusCode, 200, res.body);
    const first = res.json<ImportResult>();
    assert.deepEqual(
      first.issued.map((c) => [c.device.deviceId, c.loginType]),
      [
        ['00042', 'personal'],
        ['350000000000002', 'shared'],
      ],
    );
    assert.deepEqual(
      first.rejected.map((r) => [r.line, r.code, r.row['デバイスID']]),
      [
        [4, 'ERR_USER_NOT_FOUND', 'X-2'],
        [6, 'ERR_VALIDATION', 'X-4'],
      ],
    );
    assert.ok(first.rejectedCsv);
    const rows = parse(first.rejectedCsv.replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    assert.deepEqual(
      rows.map((r) => [r['ログインID'], r['ログイン種別']]),
      [
        [`ghost@${s.tenant.slug}.example`, 'personal'],
        [a.loginId, 'admin'],
      ],
    );

    // The same kind of workbook as JSON, base64, with format xlsx.
    const json = await call('POST', `${base(s)}/import`, s.token, {
      format: 'xlsx',
      content: (
        await writeExcelFile([
          HEADER.split(','),
          [a.loginId, 'Windows 11', 'serial', 'X-5', null, 'personal', null],
        ]).toBuffer()
      ).toString('base64'),
    });
    assert.equal(json.statusCode, 200, json.body);
    assert.deepEqual(
      json.json<ImportResult>().issued.map((c) => c.device.deviceId),
      ['X-5'],
    );
    assert.equal((await list(s)).length, 3);
  });

  it('an XLSX upload that is not a readable workbook is refused whole, nothing issued', async () => {
    const s = await seed();
    const u = await addUser(s, 'yuki');
    const book = await writeExcelFile([
      HEADER.split(','),
      [u.loginId, 'iOS 18', 'udid', 'Y-1', null, 'personal', null],
    ]).toBuffer();
    for (const bytes of [Buffer.from('not a workbook at all'), book.subarray(0, 200)]) {
      problem(
        await call('POST', `${base(s)}/import`, s.token, bytes, XLSX),
        400,
        'ERR_DEVICE_CERT_FILE_INVALID',
      );
    }
    problem(
      await call('POST', `${base(s)}/import?format=xlsx`, s.token, HEADER, 'text/csv'),
      400,
      'ERR_VALIDATION',
    );
    problem(
      await call('POST', `${base(s)}/import`, s.token, { format: 'xlsx', content: '%%%' }),
      400,
      'ERR_VALIDATION',
    );
    assert.equal((await list(s)).length, 0);
  });

  it('a bulk file that does not fit the contract is refused whole, each row reported', async () => {
    const s = await seed(2);
    const u = await addUser(s, 'lim');
    const csv = [
      HEADER,
      ...[1, 2, 3, 4].map((i) => `${u.loginId},iOS,udid,L-${i},,personal,`),
    ].join('\n');
    const res = await call('POST', `${base(s)}/import`, s.token, csv, 'text/csv');
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json<ImportResult>();
    assert.equal(r.issued.length, 0);
    assert.deepEqual(
      r.rejected.map((x) => x.code),
      Array(4).fill('ERR_DEVICE_CERT_BULK_LIMIT'),
    );
    assert.equal((await list(s)).length, 0);
  });

  it('installation mail: queued in the chosen language, delivered by the job, status in the list', async () => {
    const s = await seed();
    const en = await addUser(s, 'emma', 'ja');
    const ja = await addUser(s, 'jun', 'en');
    const c1 = await issue(s, en, { sendMail: true, mailLocale: 'en' });
    const c2 = await issue(s, ja, { sendMail: true, mailLocale: 'ja' });
    const quiet = await issue(s, ja);
    assert.equal(c1.mail.status, 'queued');
    assert.equal(quiet.mail.status, 'none');
    assert.equal((await mailsTo(en.email)).length, 0, 'nothing is sent inside the request');

    const delivered = await deliverDeviceCertMails(certs);
    assert.ok(delivered.sent >= 2, JSON.stringify(delivered));
    const [toEn] = await mailsTo(en.email);
    const [toJa] = await mailsTo(ja.email);
    assert.match(toEn?.subject ?? '', /device certificate was issued/);
    assert.match(toJa?.subject ?? '', /デバイス証明書が発行されました/);
    assert.ok(
      toEn?.text?.includes(`https://sekisho.test/t/${s.tenant.slug}/portal/device-certificates`),
    );

    const after = await list(s);
    const byId = new Map(after.map((c) => [c.id, c]));
    assert.equal(byId.get(c1.id)?.mail.status, 'sent');
    assert.equal(byId.get(c2.id)?.mail.locale, 'ja');
    assert.equal(byId.get(quiet.id)?.mail.status, 'none');

    const resend = await call('POST', `${base(s)}/${quiet.id}/mail`, s.token, {});
    assert.equal(resend.statusCode, 202, resend.body);
    assert.equal(resend.json<ApiCert>().mail.status, 'queued');
    assert.equal(resend.json<ApiCert>().mail.locale, 'en', "the user's language by default");
    await deliverDeviceCertMails(certs);
    assert.equal((await mailsTo(ja.email)).length, 2);
    const csv = await call('GET', `${base(s)}?format=csv`, s.token);
    assert.match(csv.body, new RegExp(`${quiet.id}.*,sent,`));
  });

  it('filters the list by status, OS, login type, user, last use and validity; CSV has the same rows', async () => {
    const s = await seed();
    const u = await addUser(s, 'fil');
    const v = await addUser(s, 'ter');
    const win = await issue(s, u);
    const ios = await issue(s, u, {
      device: { os: 'iOS 18', deviceIdType: 'udid', deviceId: 'F-1' },
      loginType: 'shared',
      validityDays: 20,
    });
    const revoked = await issue(s, v, { loginType: 'passwordless' });
    await call('POST', `${base(s)}/${revoked.id}/revoke`, s.token, { reason: 'superseded' });
    await certs.recordUse(s.tenant.id, win.id, {
      ip: '192.0.2.10',
      userAgent: 'UA',
      sessionId: 's1',
    });

    const ids = async (q: string) => (await list(s, q)).map((c) => c.id).sort();
    assert.deepEqual(await ids('?status=revoked'), [revoked.id]);
    assert.deepEqual(await ids('?status=expiring_soon'), [ios.id]);
    assert.deepEqual(await ids(`?os=${encodeURIComponent('iOS 18')}`), [ios.id]);
    assert.deepEqual(await ids('?loginType=shared'), [ios.id]);
    assert.deepEqual(await ids(`?userId=${v.id}`), [revoked.id]);
    assert.deepEqual(await ids('?neverUsed=true'), [ios.id, revoked.id].sort());
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    assert.deepEqual(await ids(`?lastUsedAfter=${hourAgo}`), [win.id]);
    const in30 = new Date(Date.now() + 30 * 86_400_000).toISOString();
    assert.deepEqual(await ids(`?notAfterBefore=${in30}`), [ios.id]);
    assert.deepEqual(await ids(`?notAfterAfter=${in30}`), [revoked.id, win.id].sort());
    problem(await call('GET', `${base(s)}?status=bogus`, s.token), 400, 'ERR_VALIDATION');
    problem(
      await call('GET', `${base(s)}?lastUsedAfter=yesterday`, s.token),
      400,
      'ERR_VALIDATION',
    );

    const csv = await call('GET', `${base(s)}?format=csv&userId=${u.id}`, s.token);
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.match(String(csv.headers['content-disposition']), /^attachment; filename=".+\.csv"$/);
    const rows = parse(csv.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    assert.deepEqual(rows.map((r) => r.id).sort(), [win.id, ios.id].sort());
    const iosRow = rows.find((r) => r.id === ios.id);
    assert.equal(iosRow?.login_id, u.loginId);
    assert.equal(iosRow?.os, 'iOS 18');
    assert.equal(iosRow?.status, 'expiring_soon');
  });

  it('renews an expiring certificate and refuses one that is not due yet', async () => {
    const s = await seed();
    const u = await addUser(s, 'ren');
    const due = await issue(s, u, { validityDays: 10 });
    const notDue = await issue(s, u);
    const res = await call('POST', `${base(s)}/${due.id}/renew`, s.token);
    assert.equal(res.statusCode, 201, res.body);
    const next = res.json<ApiCert>();
    assert.equal(next.renewedFrom, due.id);
    assert.deepEqual(next.device, due.device);
    assert.notEqual(next.serial, due.serial);
    const old = await call('GET', `${base(s)}/${due.id}`, s.token);
    assert.equal(old.json<ApiCert>().status, 'renewed');
    problem(
      await call('POST', `${base(s)}/${notDue.id}/renew`, s.token),
      409,
      'ERR_DEVICE_CERT_RENEWAL_NOT_ALLOWED',
    );
    const audit = await t.platform.audit.search(s.tenant.id, { action: 'device-cert.renew' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.target_id, next.id);
  });

  it('a certificate being replaced stops counting, so the replacement fits in the contract', async () => {
    const s = await seed(2);
    const u = await addUser(s, 'swap');
    const old = await issue(s, u);
    await issue(s, u);
    const body = {
      userId: u.id,
      device: { os: 'iOS', deviceIdType: 'udid', deviceId: 'NEW' },
      loginType: 'personal',
    };
    problem(await call('POST', base(s), s.token, body), 409, 'ERR_DEVICE_CERT_LIMIT');
    const res = await call('POST', `${base(s)}/${old.id}/replace`, s.token);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<ApiCert>().status, 'replacing');
    assert.equal((await call('POST', base(s), s.token, body)).statusCode, 201);
    const still = await certs.verifyClientCertificate(
      s.tenant.id,
      (await certs.get(s.tenant.id, old.id))?.certificatePem ?? '',
    );
    assert.equal(still.ok, true, 'the old device keeps working during the swap');
    problem(
      await call('POST', `${base(s)}/${old.id}/replace`, s.token),
      409,
      'ERR_DEVICE_CERT_STATUS',
    );
    const audit = await t.platform.audit.search(s.tenant.id, { action: 'device-cert.replace' });
    assert.equal(audit[0]?.target_id, old.id);
  });

  it('resumes a suspended copy once checked: it works again and leaves the CRL', async () => {
    const s = await seed();
    const u = await addUser(s, 'res');
    const cert = await issue(s, u);
    await certs.updateSettings(s.tenant.id, { autoSuspendCopies: true });
    const use = (ip: string, sessionId: string) =>
      certs.recordUse(s.tenant.id, cert.id, { ip, userAgent: 'UA', sessionId });
    await use('198.51.100.7', 'a');
    await use('192.0.2.7', 'b');
    const pem = (await certs.get(s.tenant.id, cert.id))?.certificatePem ?? '';
    assert.equal((await certs.verifyClientCertificate(s.tenant.id, pem)).ok, false);
    const crlHas = async () => {
      const res = await t.app.inject(`/t/${s.tenant.slug}/device-ca/crl?format=pem`);
      return openssl(['crl', '-noout', '-text', '-in', 'in'], res.body).out.includes(
        `Serial Number: ${cert.serial}`,
      );
    };
    assert.equal(await crlHas(), true, 'on hold while suspended');

    const ro = (
      await t.platform.tokens.create({ tenantId: s.tenant.id, name: 'ro', role: 'read_only_admin' })
    ).token;
    problem(await call('POST', `${base(s)}/${cert.id}/resume`, ro), 403, 'ERR_FORBIDDEN');
    const res = await call('POST', `${base(s)}/${cert.id}/resume`, s.token);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<ApiCert>().status, 'in_use');
    assert.equal((await certs.verifyClientCertificate(s.tenant.id, pem)).ok, true);
    assert.equal(await crlHas(), false, 'the hold is lifted');
    problem(
      await call('POST', `${base(s)}/${cert.id}/resume`, s.token),
      409,
      'ERR_DEVICE_CERT_STATUS',
    );
    const audit = await t.platform.audit.search(s.tenant.id, { action: 'device-cert.resume' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.target_id, cert.id);
  });

  it('settings: defaults, a change only admins with write access make, and links that follow it', async () => {
    const s = await seed();
    const u = await addUser(s, 'set');
    const get = await call('GET', `${base(s)}/settings`, s.token);
    assert.deepEqual(get.json(), {
      validityDays: 365,
      autoSuspendCopies: false,
      downloadLimit: 3,
      downloadHours: 72,
    });
    const ro = (
      await t.platform.tokens.create({ tenantId: s.tenant.id, name: 'ro', role: 'read_only_admin' })
    ).token;
    problem(
      await call('PUT', `${base(s)}/settings`, ro, { downloadLimit: 1 }),
      403,
      'ERR_FORBIDDEN',
    );
    problem(
      await call('PUT', `${base(s)}/settings`, s.token, { downloadLimit: 0 }),
      400,
      'ERR_VALIDATION',
    );
    const put = await call('PUT', `${base(s)}/settings`, s.token, {
      downloadLimit: 1,
      downloadHours: 2,
      validityDays: 90,
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json(), {
      validityDays: 90,
      autoSuspendCopies: false,
      downloadLimit: 1,
      downloadHours: 2,
    });
    const cert = await issue(s, u);
    const days =
      (Date.parse(String((cert as unknown as { notAfter: string }).notAfter)) - Date.now()) /
      86_400_000;
    assert.ok(days > 89 && days < 91, `validity ${days} days`);
    const dl = await call('POST', `${base(s)}/${cert.id}/downloads`, s.token);
    assert.equal(dl.statusCode, 201, dl.body);
    const link = dl.json<{ downloadsLeft: number; expiresAt: string }>();
    assert.equal(link.downloadsLeft, 1);
    assert.ok(Date.parse(link.expiresAt) - Date.now() < 2 * 3_600_000 + 60_000);
    const audit = await t.platform.audit.search(s.tenant.id, {
      action: 'device-cert.settings-update',
    });
    assert.equal(audit.length, 1);
  });

  it('trust anchors: a CA is added, listed and removed; a duplicate or a non-CA is refused', async () => {
    const s = await seed();
    const pem = makeCa('MDM Root CA');
    const add = await call('POST', `${base(s)}/trust-anchors`, s.token, {
      name: 'MDM',
      pem,
      userMatch: 'email',
    });
    assert.equal(add.statusCode, 201, add.body);
    const anchor = add.json<{ id: string; subject: string }>();
    assert.match(anchor.subject, /MDM Root CA/);
    problem(
      await call('POST', `${base(s)}/trust-anchors`, s.token, { name: 'again', pem }),
      400,
      'ERR_DEVICE_CERT_ANCHOR_INVALID',
    );
    problem(
      await call('POST', `${base(s)}/trust-anchors`, s.token, { name: 'junk', pem: 'nope' }),
      400,
      'ERR_DEVICE_CERT_ANCHOR_INVALID',
    );
    const listed = await call('GET', `${base(s)}/trust-anchors`, s.token);
    assert.deepEqual(
      listed.json<{ anchors: { id: string }[] }>().anchors.map((a) => a.id),
      [anchor.id],
    );
    assert.equal(
      (await call('DELETE', `${base(s)}/trust-anchors/${anchor.id}`, s.token)).statusCode,
      204,
    );
    problem(
      await call('DELETE', `${base(s)}/trust-anchors/${anchor.id}`, s.token),
      404,
      'ERR_NOT_FOUND',
    );
    const empty = await call('GET', `${base(s)}/trust-anchors`, s.token);
    assert.deepEqual(empty.json(), { anchors: [] });
    const audit = await t.platform.audit.search(s.tenant.id, { action: 'device-cert.' });
    assert.deepEqual(
      audit
        .map((e) => e.action)
        .filter((a) => a.includes('anchor'))
        .sort(),
      ['device-cert.anchor-add', 'device-cert.anchor-remove'],
    );
  });

  it('the reminder job mails the user of an expiring certificate once a day, on one node', async () => {
    const s = await seed();
    const u = await addUser(s, 'remi', 'en');
    await issue(s, u, { validityDays: 15 });
    const first = await sendDeviceCertReminders(t.platform, certs);
    assert.ok(first !== undefined && first >= 1);
    const mails = await mailsTo(u.email);
    assert.equal(mails.length, 1);
    assert.match(mails[0]?.subject ?? '', /expires on/);
    assert.equal(
      await sendDeviceCertReminders(t.platform, certs),
      undefined,
      'the lease holds for the day',
    );
  });
});
