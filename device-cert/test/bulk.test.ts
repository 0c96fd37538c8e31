import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { strToU8, unzipSync, zipSync } from 'fflate';
import writeExcelFile, { type SheetData } from 'write-excel-file/node';
import { isSekishoError } from '@sekisho/platform';
import { startHarness, type Harness } from './support.ts';

const HEADER = 'login_id,os,device_id_type,device_id,description,login_type,mail_locale';

/** A real .xlsx workbook with one worksheet holding `rows` (row 1 = the first array). */
const workbook = (rows: SheetData) => writeExcelFile(rows).toBuffer();

/** `book` with its first worksheet's XML replaced: a hostile workbook made from a real one. */
function withSheetXml(book: Uint8Array, rows: string): Uint8Array {
  const parts = unzipSync(book);
  parts['xl/worksheets/sheet1.xml'] = strToU8(
    '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      `<sheetData>${rows}</sheetData></worksheet>`,
  );
  return zipSync(parts);
}

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

  test('reads an XLSX workbook: Japanese headers, text IDs kept, numbers as plain decimals, worksheet row numbers', async () => {
    const t = await h.tenant('bulk-xlsx');
    const u = await h.user(t, 'hanako@bulk-xlsx.example');
    const header = [
      'ログインID',
      'ＯＳ',
      'デバイスID種別',
      'デバイスID',
      '説明',
      'ログイン種別',
      'メール言語',
    ];
    const book = await workbook([
      header,
      // A device ID typed as text keeps its leading zeros.
      ['hanako@bulk-xlsx.example', 'iOS 18', 'serial', '00123', ' 受付の iPad ', '個人', '日本語'],
      [null, null, null, null, null, null, null],
      // An IMEI typed as a number; a date and a boolean in the description.
      [
        'hanako@bulk-xlsx.example',
        'Android 15',
        'imei',
        350000000000001,
        { value: new Date(Date.UTC(2026, 3, 1)), format: 'yyyy-mm-dd' },
        'shared',
        null,
      ],
      ['ghost@bulk-xlsx.example', 'macOS 15', 'serial', 'M-1', null, 'personal', null],
      // 1e21 is written as "1e+21"; 0.1 + 0.2 as "0.30000000000000004".
      ['hanako@bulk-xlsx.example', 'iOS 18', 'udid', 1e21, true, 'root', null],
      ['hanako@bulk-xlsx.example', 'Windows 11', 'serial', 0.1 + 0.2, null, 'personal', 'en'],
    ]);
    const file = await h.certs.parseIssueFile(book, { format: 'xlsx' });
    assert.deepEqual(file.columns, header);
    assert.deepEqual(
      file.rows.map((r) => [r.line, r.fields.device_id, r.fields.description]),
      [
        [2, '00123', '受付の iPad'],
        [4, '350000000000001', '2026-04-01'],
        [5, 'M-1', ''],
        [6, '1000000000000000000000', 'TRUE'],
        [7, '0.3', ''],
      ],
    );
    assert.equal(file.rows[0]!.row['説明'], ' 受付の iPad ', 'the row as uploaded is not trimmed');

    const r = await h.certs.issueBulk(t.id, file);
    assert.deepEqual(
      r.issued.map((c) => [c.userId, c.device.deviceId, c.loginType, c.mail.locale]),
      [
        [u.id, '00123', 'personal', 'ja'],
        [u.id, '350000000000001', 'shared', 'ja'],
        [u.id, '0.3', 'personal', 'en'],
      ],
    );
    assert.deepEqual(
      r.rejected.map((x) => [x.line, x.code]),
      [
        [5, 'ERR_USER_NOT_FOUND'],
        [6, 'ERR_VALIDATION'],
      ],
    );
    // The rejected rows come back as CSV (as for a CSV upload), in the workbook's columns.
    const [head, ...rows] = parse(r.rejectedCsv.slice(1)) as string[][];
    assert.deepEqual(head, [...header, 'error']);
    assert.deepEqual(
      rows.map((x) => x.slice(0, 6)),
      [
        ['ghost@bulk-xlsx.example', 'macOS 15', 'serial', 'M-1', '', 'personal'],
        ['hanako@bulk-xlsx.example', 'iOS 18', 'udid', '1000000000000000000000', 'TRUE', 'root'],
      ],
    );
  });

  test('refuses a whole workbook it cannot read, and issues nothing', async () => {
    const t = await h.tenant('bulk-xlsx-bad');
    await h.user(t, 'a@bulk-xlsx-bad.example');
    const good = await workbook([
      HEADER.split(','),
      ['a@bulk-xlsx-bad.example', 'iOS', 'udid', 'U-1', null, 'personal', null],
    ]);
    const refused = (input: Uint8Array, pattern: RegExp) =>
      assert.rejects(
        h.certs.parseIssueFile(input, { format: 'xlsx' }),
        (e) =>
          isSekishoError(e) &&
          e.code === 'ERR_DEVICE_CERT_FILE_INVALID' &&
          pattern.test(String(e.params.problem)),
      );
    await refused(new TextEncoder().encode('login_id,os\nnot a workbook\n'), /not a zip/);
    await refused(good.subarray(0, good.length >> 1), /not a zip/);
    await refused(
      zipSync({ 'readme.txt': strToU8('a zip, not a workbook') }),
      /not a readable XLSX/,
    );
    // An encrypted workbook is an OLE compound file (MS-OFFCRYPTO), as is a legacy .xls.
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]);
    await refused(ole, /encrypted/);
    await refused(
      await workbook([
        ['login_id', 'os'],
        ['a', 'iOS'],
      ]),
      /lacks device_id_type/,
    );
    await refused(await workbook([HEADER.split(',')]), /no rows/);
    await refused(await workbook([[null], [null]]), /empty/);
    const tooMany = Array.from({ length: 5001 }, (_, i) => [`u${i}@x`, 'iOS', 'udid', `U${i}`]);
    await refused(await workbook([HEADER.split(','), ...tooMany]), /at most 5000 rows/);
    // A zip bomb: 40 MiB of sheet XML in a few kilobytes, refused before anything is inflated.
    const parts = unzipSync(good);
    parts['xl/worksheets/sheet1.xml'] = new Uint8Array(40 * 1024 * 1024);
    await refused(zipSync(parts, { level: 9 }), /too large/);
    // A 1 KB sheet naming the last cell: read densely, it would exhaust the server's memory.
    const far = '<row r="1"><c r="A1" t="inlineStr"><is><t>login_id</t></is></c></row>';
    const last = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>';
    await refused(withSheetXml(good, far + last), /too large/);
    assert.equal((await h.certs.list(t.id)).length, 0);
    // The same workbook, read: the reader still works after the refusals.
    const ok = await h.certs.issueBulk(
      t.id,
      await h.certs.parseIssueFile(good, { format: 'xlsx' }),
    );
    assert.equal(ok.issued.length, 1, JSON.stringify(ok.rejected));
  });

  test('refuses an XLSX workbook uploaded as CSV, naming what it is', () => {
    assert.throws(
      () => h.certs.parseIssueFile(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])),
      (e) => isSekishoError(e) && /XLSX workbook/.test(String(e.params.problem)),
    );
  });
});
