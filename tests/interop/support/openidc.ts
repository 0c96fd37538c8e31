/**
 * A mod_auth_openidc relying party (Debian's libapache2-mod-auth-openidc 2.4) in a private
 * Apache: authorization code flow with PKCE S256 and client_secret_basic, discovery from the
 * provider's metadata URL (read on the first request), the provider's self-signed TLS
 * certificate accepted (`OIDCSSLValidateServer Off`, loopback only).
 * - The redirect URI is under the protected path (`/protected/redirect_uri`) on
 *   http://127.0.0.1 (RFC 8252 loopback; the module warns about http and carries on).
 * - The client is registered at the provider by `register(redirectUri)` once the port is
 *   known, before Apache starts (a retry on another port registers again).
 * - REMOTE_USER is the `email` claim; every ID token/userinfo claim is exported as
 *   OIDC_CLAIM_<name>, and the protected location answers with the echo CGI.
 */
import { randomBytes } from 'node:crypto';
import { makeTempDir, removeAtExit } from '@sekisho/platform/test-support';
import { ensureApache, startApache, type ApacheServer } from './apache.ts';

export interface OidcClientRegistration {
  clientId: string;
  clientSecret: string;
}

export interface OpenidcRpOptions {
  /** `{issuer}/.well-known/openid-configuration` */
  providerMetadataUrl: string;
  register(redirectUri: string): Promise<OidcClientRegistration>;
  scope?: string;
  remoteUserClaim?: string;
  tokenEndpointAuth?: 'client_secret_basic' | 'client_secret_post';
  protectedPath?: string;
  /** Extra mod_auth_openidc directives (server level). */
  extraConfig?: string;
}

export interface OpenidcRp {
  origin: string;
  protectedUrl: string;
  redirectUri: string;
  clientId: string;
  dir: string;
  apache: ApacheServer;
  output(): string;
  stop(): Promise<void>;
}

export const OPENIDC_NEEDS = ['auth_openidc'] as const;

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export async function startOpenidcRp(options: OpenidcRpOptions): Promise<OpenidcRp> {
  await ensureApache(OPENIDC_NEEDS);
  const dir = await makeTempDir('sekisho-openidc-');
  const removeDir = removeAtExit(dir);
  const protectedPath = options.protectedPath ?? '/protected';
  let redirectUri = '';
  let registration: OidcClientRegistration | undefined;
  try {
    const apache = await startApache({
      name: 'apache (mod_auth_openidc)',
      modules: OPENIDC_NEEDS,
      dir,
      async beforeStart(site) {
        redirectUri = `${site.origin}${protectedPath}/redirect_uri`;
        registration = await options.register(redirectUri);
      },
      config(site) {
        if (!registration) throw new Error('the client was not registered');
        return `OIDCProviderMetadataURL ${quote(options.providerMetadataUrl)}
OIDCSSLValidateServer Off
OIDCClientID ${quote(registration.clientId)}
OIDCClientSecret ${quote(registration.clientSecret)}
OIDCRedirectURI ${quote(redirectUri)}
OIDCCryptoPassphrase ${quote(randomBytes(24).toString('base64url'))}
OIDCPKCEMethod S256
OIDCScope ${quote(options.scope ?? 'openid email profile')}
OIDCRemoteUserClaim ${quote(options.remoteUserClaim ?? 'email')}
OIDCProviderTokenEndpointAuth ${options.tokenEndpointAuth ?? 'client_secret_basic'}
OIDCCacheType shm
OIDCHTTPTimeoutShort 10
OIDCHTTPTimeoutLong 20
OIDCDefaultURL ${quote(`${site.origin}${protectedPath}/`)}
${options.extraConfig ?? ''}
<Location ${protectedPath}>
  AuthType openid-connect
  Require valid-user
</Location>
ScriptAlias ${protectedPath} "${site.echoCgi}"
`;
      },
    });
    const { clientId } = registration ?? { clientId: '' };
    return {
      origin: apache.origin,
      protectedUrl: `${apache.origin}${protectedPath}/`,
      redirectUri,
      clientId,
      dir,
      apache,
      output: () => apache.output(),
      async stop() {
        await apache.stop();
        removeDir();
      },
    };
  } catch (err) {
    removeDir();
    throw err;
  }
}
