/**
 * The worker thread of `read-xlsx.ts`: reads the first worksheet with read-excel-file and turns
 * every cell into the text the admin sees in Excel, so only strings go back.
 *
 * - Text cells as typed: a device ID `00123` typed as text stays `00123`. Not trimmed here; the
 *   caller trims the fields it uses, as for CSV.
 * - Number cells as Excel's formula bar shows them: plain decimal digits, at most 15 significant
 *   digits, no exponent and no trailing zeros (`1E+21` reads `1000000000000000000000`, `123.0`
 *   reads `123`, `0.30000000000000004` reads `0.3`). The cell's number format is not applied:
 *   `123` shown as `00123` through the format `00000` reads `123`, so IDs are typed as text.
 * - Date cells (a number with a date format): `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS` when it
 *   has a time. Booleans: `TRUE` / `FALSE`. Empty cells and formula errors (`#N/A`): ''.
 * - Rows keep the sheet's numbers (read-excel-file returns row n at index n - 1, gaps
 *   included); rows whose cells are all empty are left out. At most `maxRows + 1` rows come
 *   back: one more than allowed tells the caller the sheet is too long.
 * - A workbook read-excel-file refuses comes back as `{ problem }`, never as a thrown error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readSheet, SheetNotFoundError } from 'read-excel-file/universal';

export interface XlsxWorkerInput {
  /** The workbook's bytes (transferred, not copied). */
  workbook: ArrayBuffer;
  maxRows: number;
}

export interface XlsxRow {
  /** The row's number in the worksheet (the first row is 1). */
  line: number;
  cells: string[];
}

export type XlsxWorkerOutput = { rows: XlsxRow[] } | { problem: string };

/** Excel shows at most 15 significant digits of a number (IEEE 754 double). */
const EXCEL_DIGITS = 15;

/** A number's decimal text without exponent or trailing zeros, rounded as Excel shows it. */
function plainNumber(raw: string): string {
  const n = Number(raw);
  if (!Number.isFinite(n)) return raw.trim();
  const [mantissa = '', exponent = '0'] = n.toPrecision(EXCEL_DIGITS).split('e');
  const negative = mantissa.startsWith('-');
  const [int = '', frac = ''] = mantissa.replace('-', '').split('.');
  const digits = int + frac;
  const point = int.length + Number(exponent);
  let text =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  text = text.replace(/^0+(?=\d)/, '');
  return negative && text !== '0' ? `-${text}` : text;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An Excel date (wall-clock time, read as UTC) as `YYYY-MM-DD[ HH:MM:SS]`. */
function dateText(date: Date): string {
  const d = new Date(Math.round(date.getTime() / 1000) * 1000);
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const seconds = d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds();
  if (!seconds) return day;
  return `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** One cell of readSheet's output (numbers arrive as their raw text, see `parseNumber`). */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  return String(value);
}

async function readFirstSheet(input: XlsxWorkerInput): Promise<XlsxWorkerOutput> {
  let sheet: unknown[][];
  try {
    sheet = await readSheet<string>(input.workbook, {
      trim: false,
      parseNumber: plainNumber,
    });
  } catch (err) {
    if (err instanceof SheetNotFoundError) return { problem: 'the workbook has no worksheet' };
    const reason = err instanceof Error ? err.message : String(err);
    return { problem: `not a readable XLSX workbook (${reason.slice(0, 200)})` };
  }
  const rows: XlsxRow[] = [];
  for (const [index, values] of sheet.entries()) {
    const cells = values.map(cellText);
    if (cells.every((c) => c === '')) continue;
    rows.push({ line: index + 1, cells });
    if (rows.length > input.maxRows) break;
  }
  return { rows };
}

if (parentPort) parentPort.postMessage(await readFirstSheet(workerData as XlsxWorkerInput));
