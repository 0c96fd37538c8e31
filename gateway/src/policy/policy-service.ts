/**
 * The gateway's access policy, as the IdP's `AccessPolicy` port: loads the tenant's compiled
 * policy, resolves the entrance pass, runs the pure engine, and returns its decision. Any
 * failure to read or evaluate the policy throws, which the IdP turns into a deny.
 */
import type { Kysely } from 'kysely';
import type { Platform, Tenant, User } from '@sekisho/platform';
import type { DeviceCertService } from '@sekisho/device-cert';
import type {
  AccessContext,
  AccessDecision,
  AccessPolicy,
  Application,
  DeviceCertUse,
} from '@sekisho/idp';
import { decide, type Decision, type Stage } from './engine/decide.ts';
import { createPolicyLoader } from './engine/load-policy.ts';
import { FACTOR_KINDS, type FactorKind } from './engine/policy-model.ts';
import { evaluate } from './condition/evaluate.ts';
import { createEntrancePassStore } from './store/entrance-passes.ts';
import { createPolicyStore } from './store/policy-store.ts';
import type { PolicyDatabase } from './store/tables.ts';

export interface PolicyRequest {
  tenant: Tenant;
  stage: Stage;
  subject?: User | undefined;
  application?: { id: string } | undefined;
  context: AccessContext;
}

export interface PolicyServiceOptions {
  /** Verifies presented client certificates for the IdP (device-certificate login, #5). */
  deviceCerts?: DeviceCertService | undefined;
  /** The second factors a user has set up (the Lock service); absent = no factors here. */
  factors?: { enrolled(tenantId: string, userId: string): Promise<FactorKind[]> } | undefined;
}

export function createPolicyService(platform: Platform, options: PolicyServiceOptions = {}) {
  const { deviceCerts, factors } = options;
  // Every factor kind exists where a factor service (Lock) is wired in; without one, none.
  const availableFactors: readonly FactorKind[] = factors ? FACTOR_KINDS : [];
  const enrolledFactors = async (tenantId: string, userId: string): Promise<FactorKind[]> =>
    factors ? await factors.enrolled(tenantId, userId) : [];
  const db = platform.store.db as unknown as Kysely<PolicyDatabase>;
  const loader = createPolicyLoader(db, platform.kv);
  const passes = createEntrancePassStore(db, platform.clock);
  const store = createPolicyStore(db, platform.kv);

  async function evaluateRequest(r: PolicyRequest): Promise<Decision> {
    const policy = await loader.load(r.tenant);
    const pass = await passes.find(r.tenant.id, r.context.entrancePass);
    const ownPass = pass && (!r.subject || pass.userId === r.subject.id) ? pass : undefined;
    return decide(policy, {
      stage: r.stage,
      subject: r.subject && {
        id: r.subject.id,
        loginId: r.subject.loginId,
        status: r.subject.status,
        groups: r.subject.groups,
        attributes: r.subject.attributes,
        enrolledFactors: await enrolledFactors(r.tenant.id, r.subject.id),
      },
      application: r.application,
      context: {
        ip: r.context.ip,
        at: r.context.at,
        amr: r.context.amr,
        deviceCert: r.context.deviceCert,
        entrancePass: ownPass && { issuedAt: ownPass.issuedAt },
      },
      availableFactors,
    });
  }

  const tenantOf = async (id: string) => {
    const t = await platform.tenants.get(id);
    if (!t) throw new Error('tenant vanished');
    return t;
  };

  const port: AccessPolicy = {
    async decide(
      subject: User | undefined,
      application: Application | undefined,
      context: AccessContext,
    ): Promise<AccessDecision> {
      if (subject && subject.tenantId !== context.tenantId)
        throw new Error('subject of another tenant');
      const tenantId = context.tenantId;
      const stage: Stage = !subject ? 'pre-auth' : application ? 'application' : 'post-auth';
      const d = await evaluateRequest({
        tenant: await tenantOf(tenantId),
        stage,
        subject,
        application,
        context,
      });
      if (d.kind === 'deny') return { kind: 'deny', reason: d.reason };
      if (d.kind === 'challenge')
        return { kind: 'challenge', factors: d.factors, reasons: [d.reason] };
      return { kind: 'allow', reasons: [d.reason] };
    },
    async issueEntrancePass(subject, context) {
      const tenant = await tenantOf(subject.tenantId);
      const policy = await loader.load(tenant);
      const holds = evaluate(policy.passIssuance, {
        ip: context.ip,
        ipSets: policy.ipSets,
        subject: {
          loginId: subject.loginId,
          groups: subject.groups,
          attributes: subject.attributes,
        },
        at: context.at,
        timeZone: policy.timeZone,
        deviceCert: context.deviceCert,
      });
      if (holds !== true) return undefined;
      if (await passes.find(tenant.id, context.entrancePass)) return undefined; // this browser has one
      return passes.issue(tenant.id, subject.id, policy.passLifetimeDays, {
        ip: context.ip,
        ...(context.userAgent && { userAgent: context.userAgent }),
      });
    },
    async listEntrancePasses(tenantId, userId) {
      const now = platform.clock.now();
      return (await passes.list(tenantId, userId))
        .filter((p) => !p.revokedAt && p.expiresAt > now)
        .map((p) => ({ issuedAt: p.issuedAt, expiresAt: p.expiresAt, lastUsedAt: p.lastUsedAt }));
    },
    ...(deviceCerts && {
      async verifyDeviceCertificate(tenantId: string, pem: string, use?: DeviceCertUse) {
        let r = await deviceCerts.verifyClientCertificate(tenantId, pem);
        if (r.ok && use) {
          // Copy detection; when it suspends the certificate, this very use is refused too.
          const { copySuspected } = await deviceCerts.recordUse(tenantId, r.certificate.id, use);
          if (copySuspected) r = await deviceCerts.verifyClientCertificate(tenantId, pem);
        }
        if (!r.ok) return { ok: false as const, reason: r.reason };
        return { ok: true as const, userId: r.user.id, loginType: r.loginType };
      },
    }),
  };
  return { port, evaluateRequest, loader, passes, store, availableFactors, enrolledFactors };
}

export type PolicyService = ReturnType<typeof createPolicyService>;
