/**
 * Bulk issuance from a parsed file (`parse-issue-file.ts`), in file order:
 *
 * - Each bad row is reported with its line, error code and message, and the good rows are
 *   applied: unknown or inactive user, bad login type or language, missing device fields, a
 *   device that appears twice in the file or already has a valid certificate (so re-uploading
 *   a whole fixed file does not issue twice).
 * - A file whose good rows do not all fit in the contracted count is refused whole: no row is
 *   issued and each good row is reported with `ERR_DEVICE_CERT_BULK_LIMIT` (how many fit), so the
 *   admin frees room or asks for a larger contract and uploads the same file again.
 * - Then each good row is issued on its own under the same locked count as a single issuance,
 *   so an admin issuing at the same moment can still take the last places; the rows that no
 *   longer fit are then refused with `ERR_DEVICE_CERT_LIMIT` and the count never exceeds.
 * - `rejectedCsv` holds the refused rows as uploaded plus an `error` column (UTF-8 BOM,
 *   formula cells neutralized), to fix and upload again.
 * - With `sendMail` (default true) each issued certificate's installation mail is queued, in
 *   the row's `mail_locale`, else `options.locale`, else the user's or tenant's language.
 */
import { stringify } from 'csv-stringify/sync';
import {
  isSekishoError,
  neutralize,
  platformMessages,
  SekishoError,
  type Locale,
} from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { queueInstallationMail } from './installation-mail.ts';
import { lockContractUsage, totalLimit } from './contract-usage.ts';
import { checkIssueInput } from './issue-input.ts';
import { issue } from './issue.ts';
import type { IssueFileRow, ParsedIssueFile } from './parse-issue-file.ts';
import { COUNTED_STATUSES, type DeviceCertificate, type LoginType } from './records.ts';

export interface BulkOptions {
  sendMail?: boolean;
  locale?: Locale;
}

export interface BulkRejection {
  line: number;
  row: Record<string, string>;
  error: string;
  code: string;
}

export interface BulkResult {
  issued: DeviceCertificate[];
  rejected: BulkRejection[];
  rejectedCsv: string;
}

const LOGIN_TYPE_WORDS: Record<string, LoginType> = {
  personal: 'personal',
  個人: 'personal',
  passwordless: 'passwordless',
  パスワードレス: 'passwordless',
  shared: 'shared',
  共有: 'shared',
};
const LOCALE_WORDS: Record<string, Locale> = { ja: 'ja', 日本語: 'ja', en: 'en', 英語: 'en' };

const deviceKey = (type: string, id: string) => `${type.toLowerCase()}\u0000${id.toLowerCase()}`;

export async function issueBulk(
  deps: DeviceCertDeps,
  tenantId: string,
  file: ParsedIssueFile | readonly IssueFileRow[],
  options: BulkOptions = {},
): Promise<BulkResult> {
  const rows = 'rows' in file ? file.rows : file;
  const columns = 'columns' in file ? file.columns : Object.keys(rows[0]?.row ?? {});
  const seen = await existingDevices(deps, tenantId);
  const issued: DeviceCertificate[] = [];
  const rejected: BulkRejection[] = [];
  const reject = (r: IssueFileRow, err: unknown) => {
    if (!isSekishoError(err) || err.status >= 500) throw err;
    rejected.push({ line: r.line, row: r.row, code: err.code, error: describe(err, options) });
  };
  const good: { r: IssueFileRow; input: Awaited<ReturnType<typeof toIssueInput>> }[] = [];
  for (const r of rows) {
    try {
      const input = await toIssueInput(deps, tenantId, r);
      const key = deviceKey(input.device.deviceIdType, input.device.deviceId);
      if (seen.has(key)) {
        throw new SekishoError('ERR_DEVICE_CERT_DUPLICATE_DEVICE', 'duplicate device', {
          params: { deviceId: input.device.deviceId },
        });
      }
      seen.add(key);
      good.push({ r, input });
    } catch (err) {
      reject(r, err);
    }
  }
  const { room, max } = await roomLeft(deps, tenantId);
  if (good.length > room) {
    const err = new SekishoError(
      'ERR_DEVICE_CERT_BULK_LIMIT',
      'the file does not fit the contract',
      {
        params: { needed: good.length, room, max },
      },
    );
    for (const g of good) reject(g.r, err);
    rejected.sort((a, b) => a.line - b.line);
    return { issued, rejected, rejectedCsv: rejectedCsv(columns, rejected) };
  }
  let limitReached: SekishoError | undefined;
  for (const { r, input } of good) {
    try {
      if (limitReached) throw limitReached;
      const cert = await issue(deps, tenantId, input);
      if (options.sendMail ?? true) {
        const locale = input.mailLocale ?? options.locale ?? input.userLocale;
        issued.push(await queueInstallationMail(deps, tenantId, cert.id, locale));
      } else {
        issued.push(cert);
      }
    } catch (err) {
      if (isSekishoError(err) && err.code === 'ERR_DEVICE_CERT_LIMIT') limitReached = err;
      reject(r, err);
    }
  }
  rejected.sort((a, b) => a.line - b.line);
  return { issued, rejected, rejectedCsv: rejectedCsv(columns, rejected) };
}

/** Places left in the contracted count now (a snapshot; each issuance checks again under lock). */
async function roomLeft(deps: DeviceCertDeps, tenantId: string) {
  const usage = await deps.db
    .transaction()
    .execute((trx) => lockContractUsage(trx, tenantId, deps.platform.clock.now()));
  const total = totalLimit(usage.max) - usage.counted - usage.replacing;
  return { room: Math.max(0, Math.min(usage.max - usage.counted, total)), max: usage.max };
}

function describe(err: SekishoError, options: BulkOptions): string {
  if (err.code === 'ERR_VALIDATION' || !options.locale) return err.message;
  return platformMessages.t(options.locale, err.code, err.params);
}

async function existingDevices(deps: DeviceCertDeps, tenantId: string): Promise<Set<string>> {
  const rows = await deps.db
    .selectFrom('device_certificates')
    .select(['device_id_type', 'device_id'])
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', COUNTED_STATUSES)
    .where('not_after', '>', deps.platform.clock.now())
    .execute();
  return new Set(rows.map((r) => deviceKey(r.device_id_type, r.device_id)));
}

async function toIssueInput(deps: DeviceCertDeps, tenantId: string, r: IssueFileRow) {
  const f = r.fields;
  const loginType = LOGIN_TYPE_WORDS[f.login_type.toLowerCase()] ?? (f.login_type as LoginType);
  const mailLocale = f.mail_locale ? LOCALE_WORDS[f.mail_locale.toLowerCase()] : undefined;
  if (f.mail_locale && !mailLocale) {
    throw new SekishoError('ERR_VALIDATION', 'mail_locale: must be ja or en');
  }
  const device = {
    os: f.os,
    deviceIdType: f.device_id_type,
    deviceId: f.device_id,
    description: f.description,
  };
  checkIssueInput({ userId: f.login_id || '-', device, loginType });
  if (!f.login_id) throw new SekishoError('ERR_VALIDATION', 'login_id: must not be empty');
  const user = await deps.platform.users.getByLoginId(tenantId, f.login_id);
  if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', `no user ${f.login_id}`);
  if (user.status !== 'active') {
    throw new SekishoError('ERR_CONFLICT', 'certificates are issued to active users only');
  }
  const tenant = await deps.platform.tenants.get(tenantId);
  const userLocale: Locale = user.locale ?? tenant?.defaultLocale ?? 'ja';
  return { userId: user.id, device, loginType, mailLocale, userLocale };
}

function rejectedCsv(columns: string[], rejected: BulkRejection[]): string {
  const records = rejected.map((r) => [
    ...columns.map((c) => neutralize(r.row[c] ?? '')),
    neutralize(r.error),
  ]);
  return '\uFEFF' + stringify([[...columns, 'error'], ...records], { record_delimiter: '\r\n' });
}
