/**
 * Admin API for access policy: IP sets, policy groups and who is in them, tenant settings
 * (entrance-pass issuance), entrance passes, and the simulator ("why was this denied?").
 * Inputs are parsed when saved; errors name the field and, for conditions, the position.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { SekishoError, ValidationError, type Platform } from '@sekisho/platform';
import type { PolicyService } from '../policy/policy-service.ts';
import type { PolicyGroupInput } from '../policy/store/policy-store.ts';
import { applyAssignmentCsv } from '../policy/store/assignment-csv.ts';
import { simulate, dryRun, type SimulationInput } from '../policy/simulator.ts';
import { auditActor, auditOrigin, routeTenant, auditAdminAction } from './principal.ts';

const read = { access: { area: 'policies' as const, write: false } };
const write = { access: { area: 'policies' as const, write: true } };
const tags = ['policies'];
type IdParams = { Params: { tenant: string; id: string } };

export const policyRoutes: FastifyPluginAsync<{
  platform: Platform;
  policy: PolicyService;
}> = async (app, { platform, policy }) => {
  const { store, passes } = policy;
  const audit = (
    request: FastifyRequest,
    action: string,
    target: { type: string; id: string },
    details: Record<string, unknown> = {},
  ) => auditAdminAction(platform, request, action, target, details);
  const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

  app.get(
    '/api/tenants/:tenant/ip-sets',
    { config: read, schema: { tags, summary: 'List IP sets' } },
    async (request) => store.listIpSets(routeTenant(request).id),
  );
  app.post(
    '/api/tenants/:tenant/ip-sets',
    { config: write, schema: { tags, summary: 'Create an IP set {identifier, name, entries[]}' } },
    async (request, reply) => {
      const b = body(request) as { identifier: string; name: string; entries: string[] };
      const set = await store.saveIpSet(routeTenant(request).id, {
        identifier: b.identifier,
        name: b.name,
        entries: b.entries,
      });
      await audit(
        request,
        'ip-set.create',
        { type: 'ip-set', id: set.id },
        { identifier: set.identifier, entries: set.entries.length },
      );
      return reply.code(201).send(set);
    },
  );
  app.put<IdParams>(
    '/api/tenants/:tenant/ip-sets/:id',
    { config: write, schema: { tags, summary: 'Replace an IP set' } },
    async (request) => {
      const b = body(request) as { identifier: string; name: string; entries: string[] };
      const set = await store.saveIpSet(
        routeTenant(request).id,
        { identifier: b.identifier, name: b.name, entries: b.entries },
        request.params.id,
      );
      await audit(
        request,
        'ip-set.update',
        { type: 'ip-set', id: set.id },
        { entries: set.entries.length },
      );
      return set;
    },
  );
  app.delete<IdParams>(
    '/api/tenants/:tenant/ip-sets/:id',
    {
      config: write,
      schema: { tags, summary: 'Delete an IP set (refused while a policy uses it)' },
    },
    async (request, reply) => {
      await store.deleteIpSet(routeTenant(request).id, request.params.id);
      await audit(request, 'ip-set.delete', { type: 'ip-set', id: request.params.id });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/tenants/:tenant/policy-groups',
    { config: read, schema: { tags, summary: 'List policy groups' } },
    async (request) => store.listGroups(routeTenant(request).id),
  );
  app.post(
    '/api/tenants/:tenant/policy-groups',
    { config: write, schema: { tags, summary: 'Create a policy group' } },
    async (request, reply) => {
      const group = await store.saveGroup(
        routeTenant(request).id,
        body(request) as unknown as PolicyGroupInput,
      );
      await audit(
        request,
        'policy-group.create',
        { type: 'policy-group', id: group.id },
        { ...group },
      );
      return reply.code(201).send(group);
    },
  );
  app.put<IdParams>(
    '/api/tenants/:tenant/policy-groups/:id',
    {
      config: write,
      schema: { tags, summary: "Replace a policy group (applies from each user's next request)" },
    },
    async (request) => {
      const group = await store.saveGroup(
        routeTenant(request).id,
        body(request) as unknown as PolicyGroupInput,
        request.params.id,
      );
      await audit(
        request,
        'policy-group.update',
        { type: 'policy-group', id: group.id },
        { ...group },
      );
      return group;
    },
  );
  app.delete<IdParams>(
    '/api/tenants/:tenant/policy-groups/:id',
    {
      config: write,
      schema: { tags, summary: 'Delete a policy group (its users fall back to the default)' },
    },
    async (request, reply) => {
      await store.deleteGroup(routeTenant(request).id, request.params.id);
      await audit(request, 'policy-group.delete', { type: 'policy-group', id: request.params.id });
      return reply.code(204).send();
    },
  );
  app.put<IdParams>(
    '/api/tenants/:tenant/policy-groups/:id/members',
    { config: write, schema: { tags, summary: 'Put users in this policy group {userIds[]}' } },
    async (request) => {
      const tenant = routeTenant(request);
      const userIds = (body(request).userIds ?? []) as string[];
      if (!Array.isArray(userIds))
        throw new ValidationError([{ field: 'userIds', message: 'must be a list of user ids' }]);
      for (const id of userIds)
        if (!(await platform.users.get(tenant.id, id)))
          throw new ValidationError([{ field: 'userIds', message: `unknown user ${id}` }]);
      await store.assign(tenant.id, userIds, request.params.id);
      await audit(
        request,
        'policy-group.assign',
        { type: 'policy-group', id: request.params.id },
        { users: userIds.length },
      );
      return { assigned: userIds.length };
    },
  );

  app.post(
    '/api/tenants/:tenant/policy-groups/assign',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Assign users in bulk from CSV (text/csv: login_id,policy_group; empty group = the default); valid rows are applied, the others reported with line and reasons',
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const text = typeof request.body === 'string' ? request.body : '';
      const report = await applyAssignmentCsv({ store, users: platform.users }, tenant.id, text);
      await platform.audit.record({
        tenantId: tenant.id,
        actor: auditActor(request),
        action: 'policy-group.assign-csv',
        target: { type: 'tenant', id: tenant.id },
        result: report.rejected.length ? 'failure' : 'success',
        reason: report.rejected.length ? 'some-rows-rejected' : undefined,
        origin: auditOrigin(request),
        details: { applied: report.applied, rejected: report.rejected.length },
      });
      return report;
    },
  );

  app.get(
    '/api/tenants/:tenant/policy-settings',
    { config: read, schema: { tags, summary: 'Entrance-pass issuance settings' } },
    async (request) => store.settings(routeTenant(request).id),
  );
  app.put(
    '/api/tenants/:tenant/policy-settings',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change entrance-pass issuance {passIssuanceCondition, passLifetimeDays}',
      },
    },
    async (request) => {
      const b = body(request) as { passIssuanceCondition: string; passLifetimeDays: number };
      await store.saveSettings(routeTenant(request).id, b);
      await audit(
        request,
        'policy-settings.update',
        { type: 'tenant', id: routeTenant(request).id },
        b,
      );
      return store.settings(routeTenant(request).id);
    },
  );

  app.get<{ Querystring: { userId?: string } }>(
    '/api/tenants/:tenant/entrance-passes',
    { config: read, schema: { tags, summary: 'List entrance passes (optionally of one user)' } },
    async (request) => passes.list(routeTenant(request).id, request.query.userId),
  );
  app.delete<IdParams>(
    '/api/tenants/:tenant/entrance-passes/:id',
    { config: write, schema: { tags, summary: 'Revoke an entrance pass' } },
    async (request, reply) => {
      await passes.revoke(routeTenant(request).id, request.params.id);
      await audit(request, 'entrance-pass.revoke', {
        type: 'entrance-pass',
        id: request.params.id,
      });
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/tenants/:tenant/policy/simulate',
    {
      config: read,
      schema: {
        tags,
        summary: 'Decision and trace for a user, application, IP, certificate, pass and time',
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const input = body(request) as unknown as SimulationInput;
      if (!input.loginId && !input.userId)
        throw new SekishoError('ERR_VALIDATION', 'loginId or userId is required');
      return simulate(platform, policy, tenant, input);
    },
  );
  app.post(
    '/api/tenants/:tenant/policy/dry-run',
    {
      config: read,
      schema: {
        tags,
        summary:
          'Replay the last 30 days of decisions with a changed policy group; lists whose outcome would change',
      },
    },
    async (request) => {
      const b = body(request) as { groupId?: string; group: PolicyGroupInput };
      return dryRun(platform, policy, routeTenant(request), b.groupId, b.group);
    },
  );
};
