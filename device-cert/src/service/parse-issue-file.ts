/**
 * Reads a bulk-issuance file: UTF-8 CSV or TSV (RFC 4180 quoting), or an XLSX workbook (its
 * first worksheet), with a header row.
 *
 * - Columns (case-insensitive, full-width letters folded, Japanese aliases accepted):
 *   login_id, os, device_id_type, device_id, login_type (required); description, mail_locale
 *   (optional). Unknown columns are kept (they go back in the rejected-rows CSV) but unused.
 * - TSV is detected from the header line when `format` is not given; a UTF-8 BOM is dropped.
 * - Bytes that are not UTF-8 (a Shift_JIS export from Excel, say) are refused as a whole with
 *   `ERR_DEVICE_CERT_FILE_INVALID`: decoding them anyway would issue certificates to garbled
 *   login IDs. So is a string that already holds U+FFFD (decoded lossily by the caller), and
 *   an XLSX workbook sent as CSV/TSV.
 * - XLSX (`format: 'xlsx'`, read asynchronously by `read-xlsx.ts`): each cell is the text the
 *   admin sees (numbers in plain decimals, see `read-xlsx-worker.ts`); a workbook that cannot
 *   be read (not a zip, encrypted, no worksheet, too large) is refused whole the same way.
 * - Line numbers are the file's own (blank lines and quoted line breaks counted) or the
 *   worksheet's row numbers, so an admin finds the row an error names.
 */
import { parse } from 'csv-parse/sync';
import { SekishoError } from '@sekisho/platform';
import { readXlsxSheet } from './read-xlsx.ts';

export const ISSUE_COLUMNS = [
  'login_id',
  'os',
  'device_id_type',
  'device_id',
  'description',
  'login_type',
  'mail_locale',
] as const;
export type IssueColumn = (typeof ISSUE_COLUMNS)[number];
const REQUIRED: readonly IssueColumn[] = [
  'login_id',
  'os',
  'device_id_type',
  'device_id',
  'login_type',
];

const ALIASES: Record<string, IssueColumn> = {
  loginid: 'login_id',
  ログインid: 'login_id',
  ユーザーid: 'login_id',
  デバイスid種別: 'device_id_type',
  デバイスidの種類: 'device_id_type',
  端末id種別: 'device_id_type',
  デバイスid: 'device_id',
  端末id: 'device_id',
  説明: 'description',
  備考: 'description',
  ログイン種別: 'login_type',
  ログインタイプ: 'login_type',
  メール言語: 'mail_locale',
  言語: 'mail_locale',
  locale: 'mail_locale',
};

export interface IssueFileRow {
  /** The row's line in the file (the header is line 1). */
  line: number;
  /** The row as uploaded, by the file's own header names. */
  row: Record<string, string>;
  /** The recognized columns, trimmed; missing optional ones are ''. */
  fields: Record<IssueColumn, string>;
}

export interface ParsedIssueFile {
  /** The file's header names, in order. */
  columns: string[];
  rows: IssueFileRow[];
}

export const MAX_ISSUE_ROWS = 5000;

const fileInvalid = (problem: string) =>
  new SekishoError('ERR_DEVICE_CERT_FILE_INVALID', `bulk file refused: ${problem}`, {
    params: { problem },
  });

function columnOf(header: string): IssueColumn | undefined {
  const key = header
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if ((ISSUE_COLUMNS as readonly string[]).includes(key)) return key as IssueColumn;
  return ALIASES[key.replaceAll('_', '')];
}

const ZIP_MAGIC = 'PK\u0003\u0004';

function decode(input: string | Uint8Array): string {
  const head =
    typeof input === 'string' ? input.slice(0, 4) : String.fromCharCode(...input.slice(0, 4));
  if (head === ZIP_MAGIC)
    throw fileInvalid('this is an XLSX workbook (a zip), not CSV/TSV text: upload it as XLSX');
  if (typeof input !== 'string') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw fileInvalid('the file is not UTF-8 text');
    }
  }
  if (input.includes('\uFFFD')) throw fileInvalid('the file is not UTF-8 text');
  return input;
}

export type IssueFileFormat = 'csv' | 'tsv' | 'xlsx';

/** A record of the file: its cells and the line (or worksheet row) it starts on. */
interface FileRecord {
  cells: string[];
  line: number;
}

export function parseIssueFile(
  input: string | Uint8Array,
  options?: { format?: 'csv' | 'tsv' },
): ParsedIssueFile;
export function parseIssueFile(
  input: Uint8Array,
  options: { format: 'xlsx' },
): Promise<ParsedIssueFile>;
export function parseIssueFile(
  input: string | Uint8Array,
  options: { format?: IssueFileFormat } = {},
): ParsedIssueFile | Promise<ParsedIssueFile> {
  if (options.format === 'xlsx') return parseXlsx(input);
  const text = decode(input).replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const tsv = options.format ? options.format === 'tsv' : firstLine.includes('\t');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter: tsv ? '\t' : ',',
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw fileInvalid(`not a readable ${tsv ? 'TSV' : 'CSV'} file (${(err as Error).message})`);
  }
  return toParsedFile(records.map(({ record, info }) => ({ cells: record, line: info.lines })));
}

async function parseXlsx(input: string | Uint8Array): Promise<ParsedIssueFile> {
  if (typeof input === 'string') throw fileInvalid('an XLSX workbook is binary, not text');
  const sheet = await readXlsxSheet(input, { maxRows: MAX_ISSUE_ROWS + 1 });
  if (!sheet.ok) throw fileInvalid(sheet.problem);
  const [head, ...body] = sheet.rows;
  if (!head) throw fileInvalid('the first worksheet is empty');
  // Cells right of the last header name hold no column (a note typed beside the table).
  const last = head.cells.findLastIndex((c) => c.trim() !== '');
  return toParsedFile([{ line: head.line, cells: head.cells.slice(0, last + 1) }, ...body]);
}

function toParsedFile(records: FileRecord[]): ParsedIssueFile {
  const [head, ...body] = records;
  if (!head) throw fileInvalid('the file is empty');
  const columns = head.cells.map((h) => h.trim());
  const mapped = columns.map(columnOf);
  const dup = mapped.find((c, i) => c !== undefined && mapped.indexOf(c) !== i);
  if (dup) throw fileInvalid(`the column ${dup} appears twice`);
  const missing = REQUIRED.filter((c) => !mapped.includes(c));
  if (missing.length) throw fileInvalid(`the header row lacks ${missing.join(', ')}`);
  if (!body.length) throw fileInvalid('the file has no rows below the header');
  if (body.length > MAX_ISSUE_ROWS) throw fileInvalid(`at most ${MAX_ISSUE_ROWS} rows per file`);
  const rows = body.map(({ cells, line }) => {
    const row: Record<string, string> = {};
    const fields = Object.fromEntries(ISSUE_COLUMNS.map((c) => [c, ''])) as Record<
      IssueColumn,
      string
    >;
    columns.forEach((name, i) => {
      row[name] = cells[i] ?? '';
      const column = mapped[i];
      if (column) fields[column] = (cells[i] ?? '').trim();
    });
    return { line, row, fields };
  });
  return { columns, rows };
}
