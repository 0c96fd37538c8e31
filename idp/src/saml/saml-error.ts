/**
 * SAML protocol errors (STYLE §5): each code carries the top-level and second-level
 * StatusCode it becomes (SAML core §3.2.2.2) when it can be answered with a Response.
 *
 * Where an error goes is decided by what was validated when it arose, never by the code:
 * - before the SP and its endpoint are known from our registry (malformed or oversized
 *   message, DTD, unknown SP, unregistered ACS) there is nowhere safe to post, so the
 *   browser gets a page and nothing is sent anywhere;
 * - afterwards, the error becomes a signed Response with the status to the validated ACS
 *   (or a LogoutResponse to the registered SLO endpoint) and the audit log records why.
 */
import { STATUS } from './saml-constants.ts';

export type SamlErrorCode =
  | 'ERR_SAML_MALFORMED'
  | 'ERR_SAML_DTD'
  | 'ERR_SAML_TOO_LARGE'
  | 'ERR_SAML_UNKNOWN_SP'
  | 'ERR_SAML_UNKNOWN_ACS'
  | 'ERR_SAML_NO_SLO_ENDPOINT'
  | 'ERR_SAML_PENDING_EXPIRED'
  | 'ERR_SAML_IDP_INITIATED_OFF'
  | 'ERR_SAML_SIGNATURE_MISSING'
  | 'ERR_SAML_SIGNATURE_INVALID'
  | 'ERR_SAML_WEAK_ALGORITHM'
  | 'ERR_SAML_STALE'
  | 'ERR_SAML_REPLAY'
  | 'ERR_SAML_DESTINATION'
  | 'ERR_SAML_VERSION'
  | 'ERR_SAML_RELAY_STATE'
  | 'ERR_SAML_BINDING'
  | 'ERR_SAML_NAMEID_POLICY'
  | 'ERR_SAML_NAMEID_MISSING'
  | 'ERR_SAML_NO_PASSIVE'
  | 'ERR_SAML_UNKNOWN_PRINCIPAL';

export interface SamlStatus {
  top: string;
  second?: string | undefined;
}

const denied: SamlStatus = { top: STATUS.requester, second: STATUS.requestDenied };

const STATUS_OF: Record<SamlErrorCode, SamlStatus> = {
  ERR_SAML_MALFORMED: { top: STATUS.requester },
  ERR_SAML_DTD: denied,
  ERR_SAML_TOO_LARGE: denied,
  ERR_SAML_UNKNOWN_SP: denied,
  ERR_SAML_UNKNOWN_ACS: denied,
  ERR_SAML_NO_SLO_ENDPOINT: denied,
  ERR_SAML_PENDING_EXPIRED: denied,
  ERR_SAML_IDP_INITIATED_OFF: denied,
  ERR_SAML_SIGNATURE_MISSING: denied,
  ERR_SAML_SIGNATURE_INVALID: denied,
  ERR_SAML_WEAK_ALGORITHM: denied,
  ERR_SAML_STALE: denied,
  ERR_SAML_REPLAY: denied,
  ERR_SAML_DESTINATION: denied,
  ERR_SAML_VERSION: { top: STATUS.versionMismatch },
  ERR_SAML_RELAY_STATE: denied,
  ERR_SAML_BINDING: { top: STATUS.requester, second: STATUS.unsupportedBinding },
  ERR_SAML_NAMEID_POLICY: { top: STATUS.requester, second: STATUS.invalidNameIdPolicy },
  ERR_SAML_NAMEID_MISSING: { top: STATUS.responder, second: STATUS.invalidNameIdPolicy },
  ERR_SAML_NO_PASSIVE: { top: STATUS.responder, second: STATUS.noPassive },
  ERR_SAML_UNKNOWN_PRINCIPAL: { top: STATUS.requester, second: STATUS.unknownPrincipal },
};

export class SamlError extends Error {
  readonly code: SamlErrorCode;
  readonly status: SamlStatus;
  /** For logs and the audit reason only; never shown to the browser. */
  readonly detail: string | undefined;

  constructor(
    code: SamlErrorCode,
    message: string,
    options: { detail?: string; status?: SamlStatus; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'SamlError';
    this.code = code;
    this.status = options.status ?? STATUS_OF[code];
    this.detail = options.detail;
  }

  /** The audit reason: the code in kebab case, e.g. `saml-signature-invalid`. */
  get reason(): string {
    return this.code.slice(4).toLowerCase().replaceAll('_', '-');
  }
}

export function isSamlError(value: unknown): value is SamlError {
  return value instanceof SamlError;
}
