/**
 * Administrator roles and what each may do. The admin API names an `area` and whether the
 * route writes; `isAllowed` answers from this one table, so adding an area is one line.
 */
export const ADMIN_ROLES = [
  'global_admin',
  'device_cert_admin',
  'transfer_admin',
  'read_only_admin',
] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** The operator runs the service across tenants; it is not a tenant role. */
export type Principal =
  | { kind: 'operator'; id: string; name: string }
  | {
      kind: 'admin';
      tenantId: string;
      role: AdminRole;
      id: string;
      name: string;
      via: 'session' | 'token';
    };

export type AdminArea =
  | 'tenant'
  | 'users'
  | 'groups'
  | 'admins'
  | 'tokens'
  | 'audit'
  | 'policies'
  | 'applications'
  | 'device-certs'
  | 'transfers';

const WRITE: Record<AdminRole, readonly AdminArea[] | 'all'> = {
  global_admin: 'all',
  device_cert_admin: ['device-certs'],
  transfer_admin: ['transfers'],
  read_only_admin: [],
};

const READ: Record<AdminRole, readonly AdminArea[] | 'all'> = {
  global_admin: 'all',
  device_cert_admin: ['tenant', 'users', 'groups', 'device-certs', 'audit'],
  transfer_admin: ['tenant', 'users', 'groups', 'transfers', 'audit'],
  read_only_admin: 'all',
};

export function isAdminRole(value: string): value is AdminRole {
  return (ADMIN_ROLES as readonly string[]).includes(value);
}

export function isAllowed(role: AdminRole, area: AdminArea, write: boolean): boolean {
  const table = write ? WRITE[role] : READ[role];
  return table === 'all' || table.includes(area);
}
