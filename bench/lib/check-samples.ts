/**
 * After the loads, one artefact of each is checked by what a relying party would use, so
 * the benchmark counts things an RP accepts (it is no test: a failure is reported, not
 * asserted): the last ID token's signature against the tenant's JWKS, and the last SAML
 * Response through node-saml (an independent SP library) with the IdP metadata's
 * certificates, Response and assertion signatures both required.
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import type { Browser } from './https-browser.ts';

async function json<T>(b: Browser, path: string): Promise<T> {
  const page = await b.send('GET', path);
  if (page.status !== 200) throw new Error(`GET ${path}: ${page.status}`);
  return JSON.parse(page.body) as T;
}

/** 'valid' or why not. */
export async function checkIdToken(b: Browser, slug: string, idToken: string): Promise<string> {
  try {
    const [h = '', p = '', s = ''] = idToken.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg: string; kid: string }; // prettier-ignore
    const { keys } = await json<{ keys: (JsonWebKey & { kid: string })[] }>(b, `/t/${slug}/oidc/jwks`); // prettier-ignore
    const jwk = keys.find((k) => k.kid === header.kid);
    if (!jwk) return `no JWKS key ${header.kid}`;
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    const options = header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
    const ok = verify('sha256', Buffer.from(`${h}.${p}`), options, Buffer.from(s, 'base64url'));
    return ok ? `valid ${header.alg}` : 'bad signature';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function checkSamlResponse(
  b: Browser,
  slug: string,
  sp: { entityId: string; acsUrl: string },
  responseXml: string,
): Promise<string> {
  try {
    const metadata = await b.send('GET', `/t/${slug}/saml/metadata`);
    const certs = [...metadata.body.matchAll(/<ds:X509Certificate>([^<]+)</g)].map((x) => x[1]!);
    const saml = new SAML({
      ...{ idpCert: certs, issuer: sp.entityId, callbackUrl: sp.acsUrl, audience: sp.entityId },
      idpIssuer: `${b.origin}/t/${slug}/saml/metadata`,
      ...{ wantAssertionsSigned: true, wantAuthnResponseSigned: true },
      validateInResponseTo: ValidateInResponseTo.never,
    });
    const SAMLResponse = Buffer.from(responseXml).toString('base64');
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse });
    return profile?.nameID ? `accepted by node-saml (NameID ${profile.nameID})` : 'no profile';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
