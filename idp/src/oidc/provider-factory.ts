/**
 * Builds the oidc-provider instance of one tenant (issuer `{PUBLIC_URL}/t/{tenant}`):
 * authorization code flow with PKCE (S256; required for public clients), refresh tokens
 * rotated on every use with reuse detection (the provider revokes the grant), client
 * credentials, userinfo, revocation and introspection, RP-initiated and back-channel logout,
 * ID tokens signed RS256 or ES256 per client with every key of the overlap period published.
 * Consent is implicit: clients are registered by the tenant's admins (first-party).
 */
import { createPrivateKey } from 'node:crypto';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { deriveKey, type Tenant } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { SigningKey } from '../keys/signing-keys.ts';
import type { SessionAuth } from '../session/web-session.ts';
import { createKvAdapterClass } from './kv-adapter.ts';
import { CLAIMS, createFindAccount } from './account.ts';
import { oidcClientSpec, toClientMetadata } from './client-spec.ts';
import { policyWithGate } from './gate-check.ts';
import { logoutSource, postLogoutSuccessSource, renderError } from './provider-pages.ts';

export const OIDC_ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/me',
  jwks: '/oidc/jwks',
  end_session: '/oidc/session/end',
  revocation: '/oidc/token/revocation',
  introspection: '/oidc/token/introspection',
} as const;

function privateJwk(k: SigningKey): Record<string, unknown> {
  return {
    ...createPrivateKey(k.privateKeyPem).export({ format: 'jwk' }),
    kid: k.kid,
    alg: k.alg,
    use: 'sig',
  };
}

export interface ProviderDeps {
  services: IdpServices;
  tenant: Tenant;
  keys: SigningKey[];
  readSession(cookieHeader: string | undefined): SessionAuth | undefined;
}

export function buildProvider({ services, tenant, keys, readSession }: ProviderDeps): Provider {
  const { platform } = services;
  const findClient = async (id: string) => {
    const app = await services.apps.find(tenant.id, oidcClientSpec, id);
    return app?.enabled ? toClientMetadata(app.config, platform.secretBox) : undefined;
  };
  const configuration: Configuration = {
    adapter: createKvAdapterClass(
      platform.kv,
      tenant.id,
      findClient,
    ) as unknown as Configuration['adapter'],
    findAccount: createFindAccount(platform, tenant) as unknown as Configuration['findAccount'],
    jwks: { keys: keys.map(privateJwk) as never },
    claims: CLAIMS as unknown as Configuration['claims'],
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
    routes: OIDC_ROUTES,
    cookies: {
      keys: [deriveKey(platform.masterKey, `oidc-cookies:${tenant.id}`).toString('base64')],
      names: {
        session: 'sekisho_oidc_session',
        interaction: 'sekisho_oidc_interaction',
        resume: 'sekisho_oidc_resume',
      },
    },
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    rotateRefreshToken: true,
    // Scoped claims (email, profile, groups) also go into the ID token, as most RPs expect.
    conformIdTokenClaims: false,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    interactions: {
      url: (_ctx: KoaContextWithOIDC, interaction) =>
        `/t/${tenant.slug}/interaction/${interaction.uid}`,
      policy: policyWithGate({
        platform,
        tenant,
        policy: services.policy,
        apps: services.apps,
        readSession,
      }),
    },
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const existing = oidc.session?.grantIdFor(oidc.client!.clientId);
      if (existing) {
        const grant = await oidc.provider.Grant.find(existing);
        if (grant) return grant;
      }
      // First-party clients: grant what the client asked for, no consent screen.
      const grant = new oidc.provider.Grant({
        clientId: oidc.client!.clientId,
        accountId: oidc.session!.accountId!,
      });
      grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    renderError,
    // Outgoing calls (back-channel logout) refuse special-use addresses unless the operator
    // allows intranet RPs; the provider's SSRF-checking dispatcher is dropped only then.
    fetch: (url: string | URL | Request, options?: RequestInit) => {
      if (platform.config.oidcBackchannelAllowPrivate && options)
        delete (options as { dispatcher?: unknown }).dispatcher;
      return fetch(url, options);
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Grant: platform.config.sessionMaxHours * 3600,
      Session: platform.config.sessionMaxHours * 3600,
      RefreshToken: 14 * 86_400,
      ClientCredentials: 600,
    } as Configuration['ttl'],
  };
  const provider = new Provider(`${platform.config.publicUrl}/t/${tenant.slug}`, configuration);
  // The X-Forwarded-* headers it reads are always set by oidc-routes from PUBLIC_URL and the
  // gateway's client address (trusted proxies applied); what a client sends is overwritten.
  provider.proxy = true;
  return provider;
}
