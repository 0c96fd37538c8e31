/**
 * Accounts for oidc-provider: the subject is the user's id (stable, never reassigned); claims
 * come from the user record at the time of issue. A suspended or deleted user has no
 * account, so refresh and userinfo stop working for them at once.
 */
import type { Platform, Tenant } from '@sekisho/platform';

/**
 * Claims by scope. `amr` (RFC 8176: pwd, otp, hwk, mfa...) rides with `openid`, so every ID
 * token says how the user signed in and an RP can require `mfa` (as Entra ID and Okta do);
 * oidc-provider takes it from the sign-in, not from the account.
 */
export const CLAIMS = {
  openid: ['sub', 'amr'],
  email: ['email', 'email_verified'],
  profile: ['name', 'preferred_username', 'locale', 'updated_at'],
  groups: ['groups'],
} as const;

export function createFindAccount(platform: Platform, tenant: Tenant) {
  return async (_ctx: unknown, sub: string) => {
    const user = await platform.users.get(tenant.id, sub);
    if (!user || user.status !== 'active') return undefined;
    return {
      accountId: user.id,
      async claims() {
        return {
          sub: user.id,
          email: user.email,
          email_verified: true,
          name: user.displayName,
          preferred_username: user.loginId,
          ...(user.locale && { locale: user.locale }),
          updated_at: Math.floor(user.updatedAt.getTime() / 1000),
          groups: user.groups,
        };
      },
    };
  };
}
