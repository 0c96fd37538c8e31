/**
 * The admin API's error handler: every error is `application/problem+json` (RFC 9457) with a
 * `type` derived from the stable code, the request id, and for validation errors the list
 * of fields. Unexposed errors are a generic 500; details go to the log only.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError, isSekishoError } from '@sekisho/platform';

export function problemHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  let status = 500;
  let code = 'ERR_INTERNAL';
  let detail = 'internal error';
  let problems: readonly { field: string; message: string }[] | undefined;
  if (isSekishoError(err)) {
    status = err.status;
    code = err.code;
    detail = err.expose ? err.message : 'internal error';
    if (err instanceof ValidationError) problems = err.problems;
  } else if (err.validation) {
    status = 400;
    code = 'ERR_VALIDATION';
    detail = err.message;
    problems = err.validation.map((v) => ({
      // The path to the value, plus the property that is missing or not allowed there.
      field:
        [
          ...(v.instancePath || '').split('/').filter(Boolean),
          v.params?.missingProperty ?? v.params?.additionalProperty,
        ]
          .filter((part) => part !== undefined && part !== '')
          .map(String)
          .join('.') || 'body',
      message: v.message ?? 'invalid',
    }));
  } else if (err.statusCode && err.statusCode < 500) {
    status = err.statusCode;
    code = err.code ?? 'ERR_BAD_REQUEST';
    detail = err.message;
  }
  if (status >= 500) request.log.error({ err }, 'admin api failed');
  else request.log.info({ code, detail: (err as { detail?: string }).detail }, err.message);
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `https://sekisho.dev/problems/${code.toLowerCase().replace(/^err_/, '').replace(/_/g, '-')}`,
      title: code,
      status,
      detail,
      instance: request.id,
      ...(problems && { problems }),
    });
}
