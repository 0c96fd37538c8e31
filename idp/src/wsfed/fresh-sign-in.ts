/**
 * What a relying party may ask of the sign-in behind a token (WS-Federation 1.2 section
 * 13.2.1), as pure rules; wsfed-signin.ts acts on them:
 * - `wfresh`: the sign-in's maximum age in minutes, a non-negative integer; 0 = sign in now.
 *   A sign-in is too old when it began more than that before the request first arrived.
 * - `wauth`: the authentication method, one of the URIs below (AD FS's and SAML 1.0's names,
 *   which Entra ID sends) mapped to the RFC 8176 amr values of which a sign-in must hold one.
 *   Any other URI is unknown and refused: a method we cannot vouch for is never assumed.
 *   Entra sends the password URI for every prompt=login (promptLoginBehavior
 *   translateToFreshPasswordAuthentication, its default): it means "a fresh primary
 *   sign-in", so a passwordless sign-in with a device certificate (amr `hwk`) satisfies it
 *   too; otherwise passwordless users could never pass an application's prompt=login.
 */

/** The amr values of which one satisfies a `wauth` method. */
export type WauthAmr = 'pwd' | 'hwk' | 'mfa';

const PRIMARY: readonly WauthAmr[] = Object.freeze(['pwd', 'hwk']);
const WAUTH_AMR: Readonly<Record<string, readonly WauthAmr[]>> = Object.freeze({
  'urn:oasis:names:tc:SAML:1.0:am:password': PRIMARY,
  'http://schemas.microsoft.com/ws/2008/06/identity/authenticationmethod/password': PRIMARY,
  'http://schemas.microsoft.com/claims/multipleauthn': Object.freeze(['mfa'] as const),
});

/** The amr values `wauth` accepts (any one), or undefined for a method we do not know. */
export function wauthAmr(wauth: string): readonly WauthAmr[] | undefined {
  return Object.hasOwn(WAUTH_AMR, wauth) ? WAUTH_AMR[wauth] : undefined;
}

/** `wfresh` in minutes, or undefined when it is not a non-negative integer. */
export function parseWfresh(wfresh: string): number | undefined {
  return /^\d+$/.test(wfresh) ? Number(wfresh) : undefined;
}

/** True when a sign-in at `signedInAt` is older than `wfresh` minutes allows (times in ms). */
export function isSignInTooOld(signedInAt: number, wfresh: number, receivedAt: number): boolean {
  return signedInAt < receivedAt - wfresh * 60_000;
}
