/**
 * Issues the Response for an allowed sign-in: NameID per the SP's configuration, bearer
 * subject confirmation to the ACS, the SP as audience, an AuthnStatement whose class is the
 * SP's MFA class when the session's amr holds `mfa` (else PasswordProtectedTransport), and
 * the mapped attributes; then signed/encrypted as configured (build-response.ts). The SP is
 * recorded as a participant of the session for single logout.
 */
import { deriveKey } from '@sekisho/platform';
import type { ActiveSession } from '../session/web-session.ts';
import type { IdpServices } from '../services.ts';
import { userValues } from './attribute-mapping.ts';
import { buildAssertion } from './build-assertion.ts';
import { buildSamlResponse } from './build-response.ts';
import { idpEndpoints } from './idp-endpoints.ts';
import { resolveNameId, type NameIdValue } from './name-id.ts';
import type { PendingSso } from './pending-sso.ts';
import { tenantSigningKey } from './tenant-signing-key.ts';
import { AUTHN_CONTEXT, STATUS } from './saml-constants.ts';
import { addParticipant, sessionIndexFor } from './session-participants.ts';
import type { SamlSp } from './sp-lookup.ts';

export interface Issued {
  xml: string;
  nameId: NameIdValue;
}

export async function issueResponse(
  services: IdpServices,
  tenantSlug: string,
  sp: SamlSp,
  pending: PendingSso,
  session: ActiveSession,
): Promise<Issued> {
  const { platform } = services;
  const { config } = sp;
  const now = platform.clock.now();
  const nameId = resolveNameId(
    session.user,
    config,
    deriveKey(platform.masterKey, 'saml-persistent-nameid'),
  );
  const sessionIndex = sessionIndexFor(
    deriveKey(platform.masterKey, 'saml-session-index'),
    session.auth.sid,
    sp.id,
  );
  const mfa = session.auth.amr.includes('mfa') && config.authnContextMfa;
  const issuer = idpEndpoints(platform.config.publicUrl, tenantSlug).entityId;
  const assertion = buildAssertion({
    issuer,
    audience: config.entityId,
    recipient: pending.acsUrl,
    inResponseTo: pending.requestId,
    nameId,
    sessionIndex,
    authnInstant: new Date(session.auth.issuedAt),
    authnContextClassRef: mfa || AUTHN_CONTEXT.passwordProtectedTransport,
    attributes: config.attributes.map((a) => ({
      ...a,
      values: userValues(session.user, a.source),
    })),
    now,
  });
  const xml = await buildSamlResponse({
    issuer,
    destination: pending.acsUrl,
    inResponseTo: pending.requestId,
    now,
    status: { top: STATUS.success },
    assertion,
    key: await tenantSigningKey(services, sp.tenantId),
    signAssertion: config.signAssertion,
    signResponse: config.signResponse,
    encryption:
      config.encryptAssertion && config.encryptionCertificate
        ? { certificatePem: config.encryptionCertificate, algorithm: config.encryptionAlgorithm }
        : undefined,
  });
  await addParticipant(
    platform.kv,
    session.auth.sid,
    { appId: sp.id, nameId: nameId.value, nameIdFormat: nameId.format, sessionIndex },
    platform.config.sessionMaxHours * 3_600_000,
  );
  return { xml, nameId };
}
