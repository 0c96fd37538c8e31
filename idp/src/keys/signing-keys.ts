/**
 * Per-tenant signing keys for OIDC (RS256 and ES256) and SAML/WS-Federation (RSA-2048 with
 * a self-signed X.509 certificate, as SPs such as Google and Entra expect a certificate).
 *
 * - Private keys are sealed with the master key (AES-256-GCM, context = tenant + kid).
 * - Rotation with overlap: `rotate` creates a new active key and keeps the previous one
 *   published (JWKS, SAML metadata) for `overlapMs`, so tokens and assertions signed before
 *   the rotation still verify; `published` lists every unretired key, newest first.
 * - Keys are created on first use, so a new tenant needs no set-up step.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import forge from 'node-forge';
import type { Clock, SecretBox } from '@sekisho/platform';
import type { IdpDatabase } from '../store/tables.ts';

export type KeyUse = 'oidc-RS256' | 'oidc-ES256' | 'saml';

export interface SigningKey {
  kid: string;
  use: KeyUse;
  alg: 'RS256' | 'ES256';
  privateKeyPem: string;
  publicJwk: Record<string, unknown>;
  /** PEM certificate (SAML keys only). */
  certificatePem: string | undefined;
  createdAt: Date;
}

export interface SigningKeyStore {
  /** The key to sign with now (created on first use). */
  active(tenantId: string, use: KeyUse): Promise<SigningKey>;
  /** Every key a verifier may need: the active one first, then those in their overlap period. */
  published(tenantId: string, use: KeyUse): Promise<SigningKey[]>;
  /** Makes a new key active; the previous ones retire after the overlap. */
  rotate(tenantId: string, use: KeyUse): Promise<SigningKey>;
  /** Called after a rotation on this node (other nodes notice within their recheck period). */
  onRotate(listener: (tenantId: string, use: KeyUse) => void): void;
}

export const DEFAULT_KEY_OVERLAP_MS = 14 * 86_400_000;

function selfSignedCertificate(privateKeyPem: string, publicKeyPem: string, cn: string): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const attrs = [
    { name: 'commonName', value: cn },
    { name: 'organizationName', value: 'Sekisho' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function generate(
  use: KeyUse,
  kid: string,
): { privateKeyPem: string; publicJwk: Record<string, unknown>; certificatePem?: string } {
  const pair =
    use === 'oidc-ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicJwk = {
    ...pair.publicKey.export({ format: 'jwk' }),
    kid,
    use: 'sig',
    alg: use === 'oidc-ES256' ? 'ES256' : 'RS256',
  };
  if (use !== 'saml') return { privateKeyPem, publicJwk };
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    privateKeyPem,
    publicJwk,
    certificatePem: selfSignedCertificate(
      privateKeyPem,
      publicKeyPem,
      `Sekisho SAML signing ${kid.slice(0, 8)}`,
    ),
  };
}

export function createSigningKeyStore(
  db: Kysely<IdpDatabase>,
  box: SecretBox,
  clock: Clock,
  overlapMs = DEFAULT_KEY_OVERLAP_MS,
): SigningKeyStore {
  const context = (tenantId: string, kid: string) => `signing-key:${tenantId}:${kid}`;
  const listeners: ((tenantId: string, use: KeyUse) => void)[] = [];
  const load = async (tenantId: string, use: KeyUse): Promise<SigningKey[]> => {
    const rows = await db
      .selectFrom('signing_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('use', '=', use)
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', clock.now())]))
      .orderBy('created_at', 'desc')
      .orderBy('kid')
      .execute();
    return rows.map((r) => ({
      kid: r.kid,
      use: r.use,
      alg: r.use === 'oidc-ES256' ? 'ES256' : 'RS256',
      privateKeyPem: box.open(r.private_key_sealed, context(tenantId, r.kid)).toString(),
      publicJwk: r.public_jwk,
      certificatePem: r.certificate_pem ?? undefined,
      createdAt: r.created_at,
    }));
  };
  const create = async (tenantId: string, use: KeyUse): Promise<void> => {
    const kid = randomUUID();
    const k = generate(use, kid);
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('signing_keys')
        .set({ retired_at: new Date(clock.now().getTime() + overlapMs) })
        .where('tenant_id', '=', tenantId)
        .where('use', '=', use)
        .where('retired_at', 'is', null)
        .execute();
      await trx
        .insertInto('signing_keys')
        .values({
          kid,
          tenant_id: tenantId,
          use,
          private_key_sealed: box.seal(k.privateKeyPem, context(tenantId, kid)),
          public_jwk: JSON.stringify(k.publicJwk),
          certificate_pem: k.certificatePem ?? null,
          created_at: clock.now(),
        })
        .execute();
    });
  };
  return {
    async active(tenantId, use) {
      let keys = await load(tenantId, use);
      if (!keys.length) {
        await create(tenantId, use);
        keys = await load(tenantId, use);
      }
      return keys[0]!;
    },
    async published(tenantId, use) {
      if (!(await load(tenantId, use)).length) await create(tenantId, use);
      return load(tenantId, use);
    },
    onRotate(listener) {
      listeners.push(listener);
    },
    async rotate(tenantId, use) {
      await create(tenantId, use);
      for (const listener of listeners) listener(tenantId, use);
      return (await load(tenantId, use))[0]!;
    },
  };
}
