import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { isSekishoError } from '@sekisho/platform';
import { startHarness, type Harness } from './support.ts';

const HEADER = 'login_id,os,device_id_type,device_id,description,login_type,mail_locale';

describe('bulk issuance from CSV/TSV', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('applies the good rows, reports each bad one with its line, and offers them as CSV to fix', async () => {
    const t = await h.tenant('bulk-mixed');
    await h.user(t, 'a@bulk-mixed.example');
    await h.user(t, 'b@bulk-mixed.example');
    const csv = [
      HEADER,
      'a@bulk-mixed.example,macOS,serial,SER-1,経理の Mac,personal,ja',
      'ghost@bulk-mixed.example,macOS,serial,SER-2,,personal,',
      '',
      'a@bulk-mixed.example,iOS,imei,IMEI-1,,root,',
      'b@bulk-mixed.example,iOS,imei,,,shared,',
      'b@bulk-mixed.example,Windows,serial,ser-1,dup of line 2,shared,',
      'b@bulk-mixed.example,Android,imei,IMEI-9,"quoted, with comma",共有,en',
    ].join('\r\n');
    const file = h.certs.parseIssueFile(csv);
    const r = await h.certs.issueBulk(t.id, file);
    assert.deepEqual(
      r.issued.map((c) => [c.device.deviceId, c.loginType]),
      [
        ['SER-1', 'personal'],
        ['IMEI-9', 'shared'],
      ],
    );
    assert.equal(r.issued[0]!.device.description, '経理の Mac');
    assert.deepEqual(
      r.rejected.map((x) => [x.line, x.code]),
      [
        [3, 'ERR_USER_NOT_FOUND'],
        [5, 'ERR_VALIDATION'],
        [6, 'ERR_VALIDATION'],
        [7, 'ERR_DEVICE_CERT_DUPLICATE_DEVICE'],
      ],
    );
    assert.match(r.rejected[1]!.error, /loginType/);
    assert.match(r.rejected[2]!.error, /deviceId/);
    assert.ok(r.rejectedCsv.startsWith('\uFEFF'));
    const [head, ...rows] = parse(r.rejectedCsv.slice(1)) as string[][];
    assert.deepEqual(head, [...HEADER.split(','), 'error']);
    assert.equal(rows.length, 4);
    assert.equal(rows[0]![0], 'ghost@bulk-mixed.example');
    assert.equal(rows[3]![4], 'dup of line 2');
    // The admin fixes the rows and uploads the rejected CSV again.
    await h.user(t, 'ghost@bulk-mixed.example');
    const fixed = r.rejectedCsv
      .replace(',root,', ',personal,')
      .replace('iOS,imei,,', 'iOS,imei,IMEI-2,')
      .replace('ser-1', 'SER-3');
    const again = await h.certs.issueBulk(t.id, h.certs.parseIssueFile(fixed));
    assert.equal(again.rejected.length, 0, JSON.stringify(again.rejected));
    assert.equal(again.issued.length, 4);
    // Uploading the original file again issues nothing twice.
    const repeat = await h.certs.issueBulk(t.id, h.certs.parseIssueFile(csv));
    assert.equal(repeat.issued.length, 0);
    assert.equal((await h.certs.list(t.id)).length, 6);
  });

  test('a file whose good rows exceed the contracted count is refused whole', async () => {
    const t = await h.tenant('bulk-limit', 3);
    await h.user(t, 'a@bulk-limit.example');
    await h.certs.issueBulk(
      t.id,
      h.certs.parseIssueFile(`${HEADER}\na@bulk-limit.example,macOS,serial,S0,,personal,`),
    );
    const rows = [1, 2, 3].map((i) => `a@bulk-limit.example,macOS,serial,S${i},,personal,`);
    const bad = 'nobody@bulk-limit.example,macOS,serial,S9,,personal,';
    const r = await h.certs.issueBulk(
      t.id,
      h.certs.parseIssueFile([HEADER, ...rows, bad].join('\n')),
      { locale: 'ja' },
    );
    assert.equal(r.issued.length, 0);
    assert.deepEqual(
      r.rejected.map((x) => [x.line, x.code]),
      [
        [2, 'ERR_DEVICE_CERT_BULK_LIMIT'],
        [3, 'ERR_DEVICE_CERT_BULK_LIMIT'],
        [4, 'ERR_DEVICE_CERT_BULK_LIMIT'],
        [5, 'ERR_USER_NOT_FOUND'],
      ],
    );
    assert.match(r.rejected[0]!.error, /3 件ありますが.*（3 件）の残りは 2 件/);
    assert.equal((await h.certs.list(t.id)).length, 1);
    // Two rows fit: the same file without one of them is applied.
    const fits = await h.certs.issueBulk(
      t.id,
      h.certs.parseIssueFile([HEADER, ...rows.slice(0, 2)].join('\n')),
    );
    assert.equal(fits.issued.length, 2);
    assert.equal((await h.certs.list(t.id)).length, 3);
  });

  test('reads TSV with Japanese headers and a BOM, and queues the mail in the row language', async () => {
    const t = await h.tenant('bulk-tsv');
    const u = await h.user(t, 'hanako@bulk-tsv.example');
    const tsv =
      '\uFEFFログインID\tＯＳ\tデバイスID種別\tデバイスID\t説明\tログイン種別\tメール言語\n' +
      'hanako@bulk-tsv.example\tiPadOS\tserial\tDMPX1\t受付の iPad\tパスワードレス\t英語\n';
    const file = h.certs.parseIssueFile(new TextEncoder().encode(tsv));
    assert.equal(file.columns[0], 'ログインID');
    const r = await h.certs.issueBulk(t.id, file);
    assert.equal(r.rejected.length, 0, JSON.stringify(r.rejected));
    const [cert] = r.issued;
    assert.equal(cert!.userId, u.id);
    assert.equal(cert!.loginType, 'passwordless');
    assert.deepEqual([cert!.mail.status, cert!.mail.locale], ['queued', 'en']);
    const quiet = await h.certs.issueBulk(
      t.id,
      h.certs.parseIssueFile(tsv.replace('DMPX1', 'DMPX2')),
      { sendMail: false },
    );
    assert.equal(quiet.issued[0]!.mail.status, 'none');
  });

  test('refuses a whole file that is not UTF-8, lacks columns, or has no rows', () => {
    const refused = (input: string | Uint8Array, pattern: RegExp) =>
      assert.throws(
        () => h.certs.parseIssueFile(input),
        (e) =>
          isSekishoError(e) &&
          e.code === 'ERR_DEVICE_CERT_FILE_INVALID' &&
          pattern.test(String(e.params.problem)),
      );
    // "ログイン" in Shift_JIS, as Excel saves it by default.
    const sjis = Buffer.concat([
      Buffer.from([0x83, 0x8d, 0x83, 0x4f, 0x83, 0x43, 0x83, 0x93]),
      Buffer.from(',os\n'),
    ]);
    refused(sjis, /UTF-8/);
    refused('ログ\uFFFDイン,os\n', /UTF-8/);
    refused('login_id,os\nx,y\n', /device_id_type, device_id, login_type/);
    refused(`${HEADER}\n`, /no rows/);
    refused('', /empty/);
    refused(`${HEADER},login_id\nx\n`, /login_id appears twice/);
  });
});
