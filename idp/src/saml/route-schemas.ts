/** JSON schemas of the SAML routes' path and query parameters (STYLE §3). */
export const tenantParams = {
  type: 'object',
  properties: { tenant: { type: 'string', pattern: '^[a-z0-9-]{1,63}$' } },
  required: ['tenant'],
} as const;

export const pendingParams = {
  type: 'object',
  properties: {
    tenant: { type: 'string', pattern: '^[a-z0-9-]{1,63}$' },
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{32}$' },
  },
  required: ['tenant', 'id'],
} as const;

export const startParams = {
  type: 'object',
  properties: {
    tenant: { type: 'string', pattern: '^[a-z0-9-]{1,63}$' },
    appId: { type: 'string', format: 'uuid' },
  },
  required: ['tenant', 'appId'],
} as const;

export const startQuery = {
  type: 'object',
  properties: { RelayState: { type: 'string' }, lang: { type: 'string' } },
} as const;
