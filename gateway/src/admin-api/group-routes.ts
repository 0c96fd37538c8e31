import type { FastifyRequest } from 'fastify';
/** Groups: create, rename, delete, and set their members. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { SekishoError, type Platform } from '@sekisho/platform';
import { Group, TenantIdParams, TenantParams, problems } from './schemas.ts';
import { routeTenant, auditAdminAction } from './principal.ts';

const read = { access: { area: 'groups' as const, write: false } };
const write = { access: { area: 'groups' as const, write: true } };
const tags = ['groups'];
const GroupBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const groupRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (
  app,
  { platform },
) => {
  const audit = (
    request: FastifyRequest,
    action: string,
    id: string,
    details: Record<string, unknown> = {},
  ) => auditAdminAction(platform, request, action, { type: 'group', id }, details);

  app.get(
    '/api/tenants/:tenant/groups',
    {
      config: read,
      schema: {
        tags,
        summary: 'List groups',
        params: TenantParams,
        response: { 200: Type.Array(Group), ...problems },
      },
    },
    async (request) => platform.groups.list(routeTenant(request).id),
  );

  app.post(
    '/api/tenants/:tenant/groups',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a group',
        params: TenantParams,
        body: GroupBody,
        response: { 201: Group, ...problems },
      },
    },
    async (request, reply) => {
      const group = await platform.groups.create(
        routeTenant(request).id,
        request.body.name,
        request.body.description,
      );
      await audit(request, 'group.create', group.id, { name: group.name });
      return reply.code(201).send(group);
    },
  );

  app.get(
    '/api/tenants/:tenant/groups/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Read a group and its member IDs',
        params: TenantIdParams,
        response: {
          200: Type.Intersect([Group, Type.Object({ members: Type.Array(Type.String()) })]),
          ...problems,
        },
      },
    },
    async (request) => {
      const tenantId = routeTenant(request).id;
      const group = await platform.groups.get(tenantId, request.params.id);
      if (!group) throw new SekishoError('ERR_GROUP_NOT_FOUND', 'no such group');
      return { ...group, members: await platform.groups.members(tenantId, group.id) };
    },
  );

  app.patch(
    '/api/tenants/:tenant/groups/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Rename or describe a group',
        params: TenantIdParams,
        body: Type.Partial(GroupBody),
        response: { 200: Group, ...problems },
      },
    },
    async (request) => {
      const group = await platform.groups.update(
        routeTenant(request).id,
        request.params.id,
        request.body,
      );
      await audit(request, 'group.update', group.id, { fields: Object.keys(request.body) });
      return group;
    },
  );

  app.delete(
    '/api/tenants/:tenant/groups/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a group',
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      if (!(await platform.groups.delete(routeTenant(request).id, request.params.id)))
        throw new SekishoError('ERR_GROUP_NOT_FOUND', 'no such group');
      await audit(request, 'group.delete', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/tenants/:tenant/groups/:id/members',
    {
      config: write,
      schema: {
        tags,
        summary: 'Replace the members of a group',
        params: TenantIdParams,
        body: Type.Object(
          { userIds: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 10000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Group, ...problems },
      },
    },
    async (request) => {
      const group = await platform.groups.setMembers(
        routeTenant(request).id,
        request.params.id,
        request.body.userIds,
      );
      await audit(request, 'group.members', group.id, { count: request.body.userIds.length });
      return group;
    },
  );
};
