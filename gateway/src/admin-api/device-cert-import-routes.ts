/**
 * Bulk issuance from a file (issue #5): UTF-8 CSV or TSV, or an XLSX workbook, as the raw
 * body or as JSON. Good rows are issued, bad ones reported with their line and returned as
 * CSV to fix and upload again; a file that cannot be read is refused whole.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import {
  ValidationError,
  type FieldProblem,
  type Locale as LocaleCode,
  type Platform,
} from '@sekisho/platform';
import { MAX_ISSUE_ROWS, type DeviceCertService, type ParsedIssueFile } from '@sekisho/device-cert';
import { TenantParams, problems } from './schemas.ts';
import { auditActor, auditOrigin, routeTenant } from './principal.ts';
import {
  write,
  tags,
  BASE,
  Locale,
  Nullable,
  DeviceCertificateSchema,
} from './device-cert-schemas.ts';
import type { Certs } from './device-cert-route-helpers.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
type ImportFormat = 'csv' | 'tsv' | 'xlsx';

/** The JSON form of an import (the route also takes the file itself as CSV, TSV or XLSX). */
interface ImportJson {
  /** The file: its text for CSV/TSV, base64 for XLSX. */
  content: string;
  format?: ImportFormat;
  sendMail?: boolean;
  mailLocale?: LocaleCode;
}
const ImportQuery = Type.Object(
  {
    format: Type.Optional(
      Type.Union([Type.Literal('csv'), Type.Literal('tsv'), Type.Literal('xlsx')], {
        description: 'default: from the content type (TSV also from the header line), else csv',
      }),
    ),
    sendMail: Type.Optional(
      Type.Boolean({ description: 'queue each installation mail (default false)' }),
    ),
    mailLocale: Type.Optional(Locale),
  },
  { additionalProperties: false },
);
const ImportResult = Type.Object({
  issued: Type.Array(DeviceCertificateSchema),
  rejected: Type.Array(
    Type.Object({
      line: Type.Integer({ description: "the row's line in the file (header = 1)" }),
      row: Type.Record(Type.String(), Type.String(), { description: 'the row as uploaded' }),
      code: Type.String(),
      error: Type.String(),
    }),
  ),
  rejectedCsv: Nullable(
    Type.String({ description: 'the rejected rows plus an error column, to fix and re-upload' }),
  ),
});

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** The JSON form of an import body, checked by hand: the route also takes the file itself. */
function importJson(body: unknown): ImportJson | undefined {
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return undefined;
  const { content, format, sendMail, mailLocale, ...rest } = body as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(rest).map((field) => ({
    field,
    message: 'is not allowed',
  }));
  if (typeof content !== 'string') problems.push({ field: 'content', message: 'must be text' });
  if (format !== undefined && format !== 'csv' && format !== 'tsv' && format !== 'xlsx')
    problems.push({ field: 'format', message: 'must be csv, tsv or xlsx' });
  if (format === 'xlsx' && typeof content === 'string' && !BASE64.test(content))
    problems.push({ field: 'content', message: 'must be base64 for xlsx' });
  if (sendMail !== undefined && typeof sendMail !== 'boolean')
    problems.push({ field: 'sendMail', message: 'must be true or false' });
  if (mailLocale !== undefined && mailLocale !== 'ja' && mailLocale !== 'en')
    problems.push({ field: 'mailLocale', message: 'must be ja or en' });
  if (problems.length || typeof content !== 'string') throw new ValidationError(problems);
  return {
    content,
    ...((format === 'csv' || format === 'tsv' || format === 'xlsx') && { format }),
    ...(typeof sendMail === 'boolean' && { sendMail }),
    ...((mailLocale === 'ja' || mailLocale === 'en') && { mailLocale }),
  };
}

/**
 * The uploaded file, read: from the JSON form, or the raw body. The format is the JSON's, else
 * the query's, else the content type's (TSV is also recognized from its header line).
 */
async function readImportFile(
  certs: Certs,
  request: FastifyRequest,
  body: ImportJson | undefined,
  queryFormat: ImportFormat | undefined,
): Promise<ParsedIssueFile> {
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  const byType = type.startsWith(XLSX_TYPE)
    ? 'xlsx'
    : type.startsWith('text/tab-separated-values')
      ? 'tsv'
      : undefined;
  const format = body?.format ?? queryFormat ?? byType;
  const raw = request.body;
  const content: string | Uint8Array = body
    ? format === 'xlsx'
      ? Buffer.from(body.content, 'base64')
      : body.content
    : typeof raw === 'string' || Buffer.isBuffer(raw)
      ? raw
      : '';
  if (format !== 'xlsx') return certs.parseIssueFile(content, format ? { format } : {});
  if (typeof content === 'string') {
    throw new ValidationError([
      { field: 'format', message: `xlsx is sent as ${XLSX_TYPE}, or base64 in JSON` },
    ]);
  }
  return certs.parseIssueFile(content, { format });
}

export const deviceCertImportRoutes: FastifyPluginAsyncTypebox<{
  platform: Platform;
  deviceCerts: DeviceCertService;
}> = async (app, { platform, deviceCerts: certs }) => {
  // TSV arrives as bytes so that a file which is not UTF-8 is refused, never decoded lossily;
  // XLSX is a zip, read as bytes.
  app.addContentTypeParser(
    ['text/tab-separated-values', XLSX_TYPE],
    { parseAs: 'buffer' },
    (_request, body, done) => done(null, body),
  );

  app.post(
    `${BASE}/import`,
    {
      config: write,
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Issue in bulk from a UTF-8 CSV or TSV file or an XLSX workbook',
        description: `Body: text/csv, text/tab-separated-values, ${XLSX_TYPE} (the first worksheet is read; each cell as the text Excel shows, numbers in plain decimals), or JSON {content, format} (content base64 for xlsx). At most 5 MiB and ${MAX_ISSUE_ROWS} rows. Columns: login_id, os, device_id_type, device_id, login_type, and optionally description, mail_locale. Good rows are issued, each bad row is reported with its line (the worksheet row for XLSX); rejectedCsv holds the bad rows with an error column, as CSV, to fix and upload again. A file that cannot be read (header, encoding, not a workbook, encrypted, too large) is refused whole with 400.`,
        params: TenantParams,
        querystring: ImportQuery,
        consumes: ['text/csv', 'text/tab-separated-values', XLSX_TYPE, 'application/json'],
        response: { 200: ImportResult, ...problems },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const { query } = request;
      const body = importJson(request.body);
      const parsed = await readImportFile(certs, request, body, query.format);
      const sendMail = body?.sendMail ?? query.sendMail ?? false;
      const locale = body?.mailLocale ?? query.mailLocale;
      const result = await certs.issueBulk(tenant.id, parsed, {
        sendMail,
        ...(locale && { locale }),
      });
      await platform.audit.record({
        tenantId: tenant.id,
        actor: auditActor(request),
        action: 'device-cert.import',
        result: result.rejected.length ? 'failure' : 'success',
        reason: result.rejected.length ? 'some-rows-rejected' : undefined,
        origin: auditOrigin(request),
        details: {
          issued: result.issued.length,
          rejected: result.rejected.length,
          certificateIds: result.issued.map((c) => c.id),
          rejectedLines: result.rejected.map((r) => r.line),
        },
      });
      return {
        issued: result.issued,
        rejected: result.rejected,
        rejectedCsv: result.rejected.length ? result.rejectedCsv : null,
      };
    },
  );
};
