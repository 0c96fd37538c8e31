/**
 * OIDC client registration, validated when saved:
 * - redirect URIs are absolute, without fragment, https (http only on loopback, RFC 8252
 *   §7.3), and matched exactly at authorization time by oidc-provider;
 * - public clients (`none`) must use PKCE (enforced by the provider config) and cannot use
 *   client credentials; machine clients use `client_credentials` only;
 * - the client secret is generated here, shown once and stored sealed with the master key.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ValidationError, type FieldProblem, type SecretBox } from '@sekisho/platform';
import type { AppKindSpec } from '../apps/app-registry.ts';

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';
export type ClientAuth = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface OidcClientConfig {
  clientId: string;
  /** Sealed secret (absent for public clients). */
  clientSecretSealed?: string | undefined;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: GrantType[];
  tokenEndpointAuthMethod: ClientAuth;
  idTokenSignedResponseAlg: 'RS256' | 'ES256';
  backchannelLogoutUri?: string | undefined;
  /** Where the portal starts a sign-in to this client (OIDC Core third-party initiated login). */
  initiateLoginUri?: string | undefined;
}

export interface OidcClientInput {
  initiateLoginUri?: unknown;
  redirectUris?: unknown;
  postLogoutRedirectUris?: unknown;
  grantTypes?: unknown;
  tokenEndpointAuthMethod?: unknown;
  idTokenSignedResponseAlg?: unknown;
  backchannelLogoutUri?: unknown;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkUrl(value: unknown, field: string, problems: FieldProblem[]): string | undefined {
  try {
    if (typeof value !== 'string' || value.length > 2000) throw new Error();
    const u = new URL(value);
    if (
      u.hash ||
      !(u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname)))
    )
      throw new Error();
    return value;
  } catch {
    problems.push({
      field,
      message: `'${String(value).slice(0, 100)}' must be an absolute https URL (http only for loopback) without fragment`,
    });
    return undefined;
  }
}

function urls(value: unknown, field: string, problems: FieldProblem[], min: number): string[] {
  if (value === undefined) value = [];
  if (!Array.isArray(value) || value.length > 50) {
    problems.push({ field, message: 'must be a list of at most 50 URLs' });
    return [];
  }
  if (value.length < min) problems.push({ field, message: `needs at least ${min} URL` });
  return value
    .map((v, i) => checkUrl(v, `${field}[${i}]`, problems))
    .filter((v): v is string => !!v);
}

/** Validates admin input into a config (a new client ID and, for confidential clients, a secret). */
export function newOidcClient(
  input: OidcClientInput,
  box: SecretBox,
): { config: OidcClientConfig; clientSecret?: string } {
  const problems: FieldProblem[] = [];
  const auth = (input.tokenEndpointAuthMethod ?? 'client_secret_basic') as ClientAuth;
  if (!['client_secret_basic', 'client_secret_post', 'none'].includes(auth))
    problems.push({
      field: 'tokenEndpointAuthMethod',
      message: 'must be client_secret_basic, client_secret_post or none',
    });
  const grants = (input.grantTypes ?? ['authorization_code', 'refresh_token']) as GrantType[];
  if (
    !Array.isArray(grants) ||
    !grants.length ||
    grants.some((g) => !['authorization_code', 'refresh_token', 'client_credentials'].includes(g))
  ) {
    problems.push({
      field: 'grantTypes',
      message: 'must list authorization_code, refresh_token and/or client_credentials',
    });
  }
  if (auth === 'none' && grants.includes('client_credentials'))
    problems.push({
      field: 'grantTypes',
      message: 'a public client cannot use client_credentials',
    });
  const needsRedirect = grants.includes('authorization_code');
  const alg = (input.idTokenSignedResponseAlg ?? 'RS256') as 'RS256' | 'ES256';
  if (!['RS256', 'ES256'].includes(alg))
    problems.push({ field: 'idTokenSignedResponseAlg', message: 'must be RS256 or ES256' });
  const config: OidcClientConfig = {
    clientId: randomUUID(),
    redirectUris: urls(input.redirectUris, 'redirectUris', problems, needsRedirect ? 1 : 0),
    postLogoutRedirectUris: urls(
      input.postLogoutRedirectUris,
      'postLogoutRedirectUris',
      problems,
      0,
    ),
    grantTypes: grants,
    tokenEndpointAuthMethod: auth,
    idTokenSignedResponseAlg: alg,
    ...(input.backchannelLogoutUri !== undefined && {
      backchannelLogoutUri: checkUrl(input.backchannelLogoutUri, 'backchannelLogoutUri', problems),
    }),
    ...(input.initiateLoginUri !== undefined && {
      initiateLoginUri: checkUrl(input.initiateLoginUri, 'initiateLoginUri', problems),
    }),
  };
  if (problems.length) throw new ValidationError(problems);
  if (auth === 'none') return { config };
  const clientSecret = randomBytes(32).toString('base64url');
  return {
    config: {
      ...config,
      clientSecretSealed: box.seal(clientSecret, `oidc-client:${config.clientId}`),
    },
    clientSecret,
  };
}

export const oidcClientSpec: AppKindSpec<OidcClientConfig> = {
  kind: 'oidc',
  validate(raw) {
    const c = raw as OidcClientConfig;
    if (
      !c ||
      typeof c.clientId !== 'string' ||
      !Array.isArray(c.redirectUris) ||
      !Array.isArray(c.grantTypes)
    ) {
      throw new ValidationError([{ field: 'config', message: 'not an OIDC client configuration' }]);
    }
    return c;
  },
  lookupKey: (c) => c.clientId,
};

/** The client as oidc-provider's metadata (RFC 7591 names). */
export function toClientMetadata(c: OidcClientConfig, box: SecretBox): Record<string, unknown> {
  const codeFlow = c.grantTypes.includes('authorization_code');
  return {
    client_id: c.clientId,
    ...(c.clientSecretSealed && {
      client_secret: box.open(c.clientSecretSealed, `oidc-client:${c.clientId}`).toString(),
    }),
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    grant_types: c.grantTypes,
    response_types: codeFlow ? ['code'] : [],
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    id_token_signed_response_alg: c.idTokenSignedResponseAlg,
    ...(c.backchannelLogoutUri && {
      backchannel_logout_uri: c.backchannelLogoutUri,
      backchannel_logout_session_required: true,
    }),
  };
}
