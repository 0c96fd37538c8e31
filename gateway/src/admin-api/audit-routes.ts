/** The audit log: search by user, action, result, reference and time; export as CSV. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { auditToCsv, type AuditFilter, type Platform } from '@sekisho/platform';
import { DateTime, TenantParams, problems } from './schemas.ts';
import { routeTenant } from './principal.ts';

const Query = Type.Object({
  userId: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  result: Type.Optional(
    Type.Union(['success', 'failure', 'allow', 'deny', 'challenge'].map((r) => Type.Literal(r))),
  ),
  reference: Type.Optional(Type.String({ maxLength: 16 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
});

const Event = Type.Object({
  id: Type.String(),
  at: DateTime,
  actor_type: Type.String(),
  actor_id: Type.Union([Type.String(), Type.Null()]),
  actor_name: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target_type: Type.Union([Type.String(), Type.Null()]),
  target_id: Type.Union([Type.String(), Type.Null()]),
  result: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  request_id: Type.Union([Type.String(), Type.Null()]),
  reference: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
});

function toFilter(q: {
  userId?: string;
  action?: string;
  result?: string;
  reference?: string;
  from?: string;
  to?: string;
  before?: string;
  limit?: number;
}): AuditFilter {
  return {
    ...q,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
  };
}

export const auditRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (
  app,
  { platform },
) => {
  const access = { access: { area: 'audit' as const, write: false } };
  app.get(
    '/api/tenants/:tenant/audit',
    {
      config: access,
      schema: {
        tags: ['audit'],
        summary: 'Search the audit log (newest first; page with before=<last id>)',
        params: TenantParams,
        querystring: Query,
        response: { 200: Type.Object({ events: Type.Array(Event) }), ...problems },
      },
    },
    async (request) => ({
      events: await platform.audit.search(routeTenant(request).id, toFilter(request.query)),
    }),
  );

  app.get(
    '/api/tenants/:tenant/audit.csv',
    {
      config: access,
      schema: {
        tags: ['audit'],
        summary: 'Export the audit log as CSV',
        params: TenantParams,
        querystring: Query,
      },
    },
    async (request, reply) => {
      const rows = await platform.audit.search(routeTenant(request).id, {
        ...toFilter(request.query),
        limit: request.query.limit ?? 10000,
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit.csv"')
        .send(auditToCsv(rows));
    },
  );
};
