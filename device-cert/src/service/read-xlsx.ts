/**
 * Reads the first worksheet of an uploaded XLSX workbook as rows of cell text, numbered as in
 * the sheet (what each cell becomes: `read-xlsx-worker.ts`).
 *
 * - Library: read-excel-file (MIT, pure JS, actively maintained, made for reading .xlsx only;
 *   its write-excel-file companion builds the test workbooks). Not exceljs: a reader and writer
 *   with nine dependencies (archiver, jszip, an old unzipper...), last released in 2024, which
 *   inflates every entry in memory with no bound. We use read-excel-file's `universal` entry
 *   rather than `node`: we hold the whole upload (at most 5 MiB) anyway, and `universal` unzips
 *   with fflate from the central directory into buffers of the declared sizes we checked,
 *   while `node` stream-unzips by local headers, where an entry of undeclared size grows
 *   without bound.
 * - Untrusted input. A 5 MiB zip can inflate a thousandfold (a zip bomb), and a 1 KB sheet
 *   naming cell XFD1048576 makes read-excel-file fill a dense grid of 17 billion cells, which
 *   took the whole process down in a trial. So, fail closed:
 *   1. the zip's central directory is listed first (fflate, nothing inflated): at most
 *      1,000 entries and 32 MiB of XML declared; a bigger one is refused;
 *   2. the workbook is read in a worker thread with a 256 MiB heap and 30 seconds; past
 *      either the worker is stopped and the file refused, while the server goes on.
 * - An encrypted (password-protected) workbook is not a zip but an OLE compound file, like an
 *   old .xls: refused with a hint to save it as .xlsx without a password.
 * - The outcome is data: `{ ok: true, rows }` or `{ ok: false, problem }` (why, for the
 *   admin). A worker that fails for another reason (a bug, not the file) rejects: a 500.
 */
import { Worker } from 'node:worker_threads';
import { unzipSync } from 'fflate';
import type { XlsxRow, XlsxWorkerInput, XlsxWorkerOutput } from './read-xlsx-worker.ts';

export type { XlsxRow };

export type XlsxSheet = { ok: true; rows: XlsxRow[] } | { ok: false; problem: string };

export const XLSX_LIMITS = Object.freeze({
  entries: 1000,
  xmlBytes: 32 * 1024 * 1024,
  heapMb: 256,
  timeoutMs: 30_000,
});

/** The first bytes of an OLE compound file: an encrypted workbook, or a legacy .xls. */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

class ArchiveTooLarge extends Error {}

/** Why the zip cannot be read safely, from its central directory alone; undefined when it can. */
function archiveProblem(bytes: Uint8Array): string | undefined {
  if (OLE_MAGIC.every((b, i) => bytes[i] === b)) {
    return 'an encrypted (password-protected) workbook or an old .xls file: save it as an Excel workbook (.xlsx) without a password';
  }
  let entries = 0;
  let xmlBytes = 0;
  try {
    unzipSync(bytes, {
      filter(file) {
        entries += 1;
        if (/\.(xml|rels)$/i.test(file.name)) xmlBytes += file.originalSize;
        if (entries > XLSX_LIMITS.entries || xmlBytes > XLSX_LIMITS.xmlBytes) {
          throw new ArchiveTooLarge();
        }
        return false;
      },
    });
  } catch (err) {
    if (err instanceof ArchiveTooLarge) {
      return `the workbook is too large (at most ${XLSX_LIMITS.entries} parts and ${XLSX_LIMITS.xmlBytes / 1024 / 1024} MiB of sheet data)`;
    }
    return 'not an XLSX workbook (not a zip archive)';
  }
  return entries ? undefined : 'not an XLSX workbook (an empty archive)';
}

/**
 * The first worksheet's non-empty rows, at most `maxRows + 1` of them.
 *
 * @example
 * const sheet = await readXlsxSheet(bytes, { maxRows: 5001 });
 * if (!sheet.ok) throw fileInvalid(sheet.problem);
 */
export async function readXlsxSheet(
  bytes: Uint8Array,
  options: { maxRows: number },
): Promise<XlsxSheet> {
  const problem = archiveProblem(bytes);
  if (problem) return { ok: false, problem };
  const workbook = new Uint8Array(bytes).buffer;
  const output = await inWorker({ workbook, maxRows: options.maxRows });
  return 'problem' in output
    ? { ok: false, problem: output.problem }
    : { ok: true, rows: output.rows };
}

function inWorker(input: XlsxWorkerInput): Promise<XlsxWorkerOutput> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./read-xlsx-worker.ts', import.meta.url), {
      workerData: input,
      transferList: [input.workbook],
      resourceLimits: { maxOldGenerationSizeMb: XLSX_LIMITS.heapMb },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () => settle(() => resolve({ problem: 'the workbook took too long to read' })),
      XLSX_LIMITS.timeoutMs,
    );
    worker.once('message', (output: XlsxWorkerOutput) => settle(() => resolve(output)));
    worker.once('error', (err: Error & { code?: string }) =>
      settle(() =>
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? resolve({ problem: 'the workbook is too large to read (its sheet is too big)' })
          : reject(err),
      ),
    );
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the XLSX reader stopped (exit code ${code})`))),
    );
  });
}
