/**
 * Roles and permissions, in one table in code. A user has one role; an API token has scopes (any
 * permissions) instead. Adding a permission here makes it grantable; routes name the permission
 * they need.
 */

/** permissions lists every permission, `<resource>:<verb>`. */
export const permissions = [
  'dashboards:read',
  'metrics:read',
  'logs:read',
  'events:read',
  'anomalies:read',
  'incidents:read',
  'incidents:write',
  'drift:read',
  'policies:read',
  'policies:write',
  'remediation:read',
  'remediation:approve',
  'remediation:execute',
  'audit:read',
  'users:manage',
  'tokens:manage',
  'ingest:write',
] as const

/** Permission is one entry of `permissions`. */
export type Permission = (typeof permissions)[number]

/** roles lists every role. */
export const roles = ['admin', 'operator', 'developer', 'viewer', 'auditor'] as const

/** Role is one entry of `roles`. */
export type Role = (typeof roles)[number]

// Reading the audit trail and managing identities are not "monitoring reads": only admin and
// auditor (audit) and admin (users, tokens) get them.
const monitoringReads = permissions.filter((p) => p.endsWith(':read') && p !== 'audit:read')

/** rolePermissions is the table of what each role may do. */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  admin: permissions,
  operator: [
    ...monitoringReads,
    'incidents:write',
    'policies:write',
    'remediation:approve',
    'remediation:execute',
  ],
  developer: ['metrics:read', 'logs:read', 'events:read', 'dashboards:read', 'incidents:read'],
  viewer: ['dashboards:read'],
  auditor: [...monitoringReads, 'audit:read'],
}

/** isPermission tells whether a string names a permission. */
export function isPermission(value: string): value is Permission {
  return (permissions as readonly string[]).includes(value)
}

/** isRole tells whether a string names a role. */
export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value)
}

/** grants tells whether a set of permissions includes the one asked for. */
export function grants(held: readonly string[], wanted: Permission): boolean {
  return held.includes(wanted)
}
