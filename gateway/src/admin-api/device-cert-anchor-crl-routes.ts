/**
 * The CRL of an uploaded trust anchor, under
 * `/api/tenants/{tenant}/device-certificates/trust-anchors/{id}/crl`: PUT uploads it, DELETE
 * removes it. With a CRL, a certificate under the anchor whose serial it lists is denied
 * `revoked`, and once its nextUpdate has passed every certificate under the anchor is denied
 * `revocation-unknown` until a newer CRL is uploaded or fetched. `PUT .../{id}/crl-url` with
 * `{ url }` sets where Sekisho fetches it from (null stops fetching).
 *
 * - Body: DER (`application/pkix-crl`), PEM (`application/x-pem-file`, `text/plain`) or JSON
 *   `{ "pem": ... }`. A CRL the service refuses (issuer, signature, dates, older than the stored
 *   one) is a 400 `ERR_VALIDATION` naming the problem, and nothing changes.
 * - Write access to device certificates, as the other trust-anchor routes; every change is
 *   audited (`device-cert.anchor-crl-set` / `-remove` / `-url`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { ValidationError, type FieldProblem, type Platform } from '@sekisho/platform';
import type { DeviceCertService, TrustAnchor } from '@sekisho/device-cert';
import { auditAdminAction, routeTenant } from './principal.ts';
import { TenantIdParams, problems } from './schemas.ts';
import {
  AnchorCrl,
  AnchorCrlUrlBody,
  BASE,
  TrustAnchor as TrustAnchorSchema,
  tags,
  write,
} from './device-cert-schemas.ts';

const PATH = `${BASE}/trust-anchors/:id/crl`;
const URL_PATH = `${BASE}/trust-anchors/:id/crl-url`;
const CRL_TYPES = ['application/pkix-crl', 'application/x-pem-file', 'text/plain'];

/** The CRL in a request body: bytes, PEM text, or JSON `{ pem }` checked by hand. */
function crlOf(body: unknown): string | Uint8Array {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (typeof body !== 'object' || body === null) {
    throw new ValidationError([
      { field: 'body', message: `must be a CRL as ${CRL_TYPES.join(', ')} or JSON {pem}` },
    ]);
  }
  const { pem, ...rest } = body as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(rest).map((field) => ({
    field,
    message: 'is not allowed',
  }));
  if (typeof pem !== 'string') problems.push({ field: 'pem', message: 'must be the CRL in PEM' });
  if (problems.length || typeof pem !== 'string') throw new ValidationError(problems);
  return pem;
}

/** What an audit event records of a CRL. */
const auditDetails = (crl: NonNullable<TrustAnchor['crl']>) => ({
  thisUpdate: crl.thisUpdate.toISOString(),
  nextUpdate: crl.nextUpdate?.toISOString() ?? null,
  crlNumber: crl.crlNumber,
  revokedCount: crl.revokedCount,
});

export const deviceCertAnchorCrlRoutes: FastifyPluginAsyncTypebox<{
  platform: Platform;
  deviceCerts: DeviceCertService;
}> = async (app, { platform, deviceCerts: certs }) => {
  // DER arrives as bytes; PEM as text (text/plain has fastify's own string parser).
  app.addContentTypeParser('application/pkix-crl', { parseAs: 'buffer' }, (_r, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser('application/x-pem-file', { parseAs: 'string' }, (_r, body, done) =>
    done(null, body),
  );

  app.put(
    PATH,
    {
      config: write,
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags,
        summary: "Upload the trust anchor's CRL (replaces the stored one)",
        description:
          'Body: application/pkix-crl (DER), application/x-pem-file or text/plain (PEM), or JSON {pem}. Refused with 400 ERR_VALIDATION, changing nothing, unless its issuer is the anchor, its signature verifies with the anchor key, thisUpdate is not in the future, nextUpdate has not passed, it has no critical extension (delta, partitioned and indirect CRLs are not supported), and it is not older than the stored CRL (CRL number, else thisUpdate). Upload each new CRL before the stored one reaches its nextUpdate: after it, certificates under the anchor are denied.',
        params: TenantIdParams,
        consumes: [...CRL_TYPES, 'application/json'],
        response: { 200: AnchorCrl, ...problems },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const { id, crl } = await certs.setAnchorCrl(
        tenant.id,
        request.params.id,
        crlOf(request.body),
      );
      await auditAdminAction(
        platform,
        request,
        'device-cert.anchor-crl-set',
        { type: 'device-cert-anchor', id },
        auditDetails(crl),
      );
      return crl;
    },
  );

  app.delete(
    PATH,
    {
      config: write,
      schema: {
        tags,
        summary: "Remove the trust anchor's CRL: its certificates are checked against no list",
        description: '404 ERR_NOT_FOUND when the anchor has no CRL.',
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const removed = await certs.removeAnchorCrl(routeTenant(request).id, request.params.id);
      await auditAdminAction(
        platform,
        request,
        'device-cert.anchor-crl-remove',
        { type: 'device-cert-anchor', id: request.params.id },
        auditDetails(removed),
      );
      return reply.code(204).send(null);
    },
  );

  app.put(
    URL_PATH,
    {
      config: write,
      schema: {
        tags,
        summary: "Set where the trust anchor's CRL is fetched from (null: stop fetching)",
        description:
          'An http or https URL (CRLs are usually served over plain http; their signature protects them). Every 15 minutes Sekisho fetches the CRL of each anchor with a URL whose stored CRL is missing or has used half of its validity, and stores it after the same checks as an upload; the anchor listing shows the outcome (crlFetch). The URL must not point at a loopback or private address (unless the operator allows it), redirects are not followed. A new URL forgets the last outcome.',
        params: TenantIdParams,
        body: AnchorCrlUrlBody,
        response: { 200: TrustAnchorSchema, ...problems },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const anchor = await certs.setAnchorCrlUrl(tenant.id, request.params.id, request.body.url);
      await auditAdminAction(
        platform,
        request,
        'device-cert.anchor-crl-url',
        { type: 'device-cert-anchor', id: anchor.id },
        { url: anchor.crlUrl },
      );
      return anchor;
    },
  );
};
