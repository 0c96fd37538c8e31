/**
 * The error model shared by every Sekisho package.
 *
 * - Every expected failure is a `SekishoError` with a stable `code`; callers `switch` on it
 *   and never parse messages.
 * - `status` maps it to HTTP; `expose` is true for client errors, so 5xx details stay in logs.
 * - `detail` is for logs only; `params` feed the localized message of the code.
 */

export type ErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_VALIDATION'
  | 'ERR_NOT_FOUND'
  | 'ERR_CONFLICT'
  | 'ERR_UNAUTHENTICATED'
  | 'ERR_FORBIDDEN'
  | 'ERR_CSRF'
  | 'ERR_TENANT_NOT_FOUND'
  | 'ERR_TENANT_INACTIVE'
  | 'ERR_TENANT_USER_LIMIT'
  | 'ERR_DEVICE_CERT_LIMIT'
  | 'ERR_DEVICE_CERT_BULK_LIMIT'
  | 'ERR_DEVICE_CERT_DOWNLOAD_INVALID'
  | 'ERR_DEVICE_CERT_STATUS'
  | 'ERR_DEVICE_CERT_RENEWAL_NOT_ALLOWED'
  | 'ERR_DEVICE_CERT_SWAP_LIMIT'
  | 'ERR_DEVICE_CERT_SWAP_TOTAL_LIMIT'
  | 'ERR_DEVICE_CERT_DUPLICATE_DEVICE'
  | 'ERR_DEVICE_CERT_FILE_INVALID'
  | 'ERR_DEVICE_CERT_ANCHOR_INVALID'
  | 'ERR_USER_NOT_FOUND'
  | 'ERR_USER_EXISTS'
  | 'ERR_GROUP_NOT_FOUND'
  | 'ERR_GROUP_EXISTS'
  | 'ERR_LOGIN_FAILED'
  | 'ERR_LOGIN_LOCKED'
  | 'ERR_LOGIN_THROTTLED'
  | 'ERR_LOGIN_SUSPENDED'
  | 'ERR_PASSWORD_WEAK'
  | 'ERR_PASSWORD_CHANGE_REQUIRED'
  | 'ERR_RESET_TOKEN_INVALID'
  | 'ERR_SESSION_REVOKED'
  | 'ERR_SECOND_FACTOR_REQUIRED'
  | 'ERR_IMPORT_NOT_FOUND'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_MAIL_SEND_FAILED'
  | 'ERR_LOCK_NOT_ENROLLED'
  | 'ERR_LOCK_RATE_LIMITED'
  | 'ERR_LOCK_AUTO_REFUSED'
  | 'ERR_LOCK_DEVICE_EXISTS'
  | 'ERR_LOCK_DEVICE_UNKNOWN'
  | 'ERR_LOCK_SIGNATURE_INVALID'
  | 'ERR_LOCK_ENROLLMENT_INVALID'
  | 'ERR_LOCK_ANSWER_USED'
  | 'ERR_LOCK_APPROVAL_EXPIRED'
  | 'ERR_LOCK_FACTOR_NOT_ALLOWED'
  | 'ERR_INTERNAL';

const STATUS: Record<ErrorCode, number> = {
  ERR_CONFIG_INVALID: 500,
  ERR_VALIDATION: 400,
  ERR_NOT_FOUND: 404,
  ERR_CONFLICT: 409,
  ERR_UNAUTHENTICATED: 401,
  ERR_FORBIDDEN: 403,
  ERR_CSRF: 403,
  ERR_TENANT_NOT_FOUND: 404,
  ERR_TENANT_INACTIVE: 403,
  ERR_TENANT_USER_LIMIT: 409,
  ERR_DEVICE_CERT_LIMIT: 409,
  ERR_DEVICE_CERT_BULK_LIMIT: 409,
  ERR_DEVICE_CERT_DOWNLOAD_INVALID: 403,
  ERR_DEVICE_CERT_STATUS: 409,
  ERR_DEVICE_CERT_RENEWAL_NOT_ALLOWED: 409,
  ERR_DEVICE_CERT_SWAP_LIMIT: 409,
  ERR_DEVICE_CERT_SWAP_TOTAL_LIMIT: 409,
  ERR_DEVICE_CERT_DUPLICATE_DEVICE: 409,
  ERR_DEVICE_CERT_FILE_INVALID: 400,
  ERR_DEVICE_CERT_ANCHOR_INVALID: 400,
  ERR_USER_NOT_FOUND: 404,
  ERR_USER_EXISTS: 409,
  ERR_GROUP_NOT_FOUND: 404,
  ERR_GROUP_EXISTS: 409,
  ERR_LOGIN_FAILED: 401,
  ERR_LOGIN_LOCKED: 423,
  ERR_LOGIN_THROTTLED: 429,
  ERR_LOGIN_SUSPENDED: 403,
  ERR_PASSWORD_WEAK: 400,
  ERR_PASSWORD_CHANGE_REQUIRED: 403,
  ERR_RESET_TOKEN_INVALID: 400,
  ERR_SESSION_REVOKED: 401,
  ERR_SECOND_FACTOR_REQUIRED: 403,
  ERR_IMPORT_NOT_FOUND: 404,
  ERR_STORE_UNAVAILABLE: 503,
  ERR_MAIL_SEND_FAILED: 502,
  ERR_LOCK_NOT_ENROLLED: 409,
  ERR_LOCK_RATE_LIMITED: 429,
  ERR_LOCK_AUTO_REFUSED: 429,
  ERR_LOCK_DEVICE_EXISTS: 409,
  ERR_LOCK_DEVICE_UNKNOWN: 401,
  ERR_LOCK_SIGNATURE_INVALID: 401,
  ERR_LOCK_ENROLLMENT_INVALID: 400,
  ERR_LOCK_ANSWER_USED: 409,
  ERR_LOCK_APPROVAL_EXPIRED: 410,
  ERR_LOCK_FACTOR_NOT_ALLOWED: 403,
  ERR_INTERNAL: 500,
};

export interface SekishoErrorOptions {
  /** For logs only; never sent to a client. */
  detail?: string;
  /** Values for the localized message of this code. */
  params?: Record<string, string | number>;
  cause?: unknown;
  /** Overrides the status derived from the code. */
  status?: number;
}

export class SekishoError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly expose: boolean;
  readonly detail: string | undefined;
  readonly params: Record<string, string | number>;

  constructor(code: ErrorCode, message: string, options: SekishoErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'SekishoError';
    this.code = code;
    this.status = options.status ?? STATUS[code];
    this.expose = this.status < 500;
    this.detail = options.detail;
    this.params = options.params ?? {};
  }
}

/** One rejected field of an input, named so the caller can point at it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationError extends SekishoError {
  readonly problems: readonly FieldProblem[];
  constructor(problems: readonly FieldProblem[], message?: string) {
    super('ERR_VALIDATION', message ?? problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

export function isSekishoError(value: unknown): value is SekishoError {
  return value instanceof SekishoError;
}
