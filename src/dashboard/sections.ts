/** The dashboard's sections, in navigation order, each with the permission that opens it. */
import type { Permission } from '../auth/permissions.ts'

/** Section is one entry of the navigation. */
export interface Section {
  id: string
  title: string
  href: string
  permission: Permission
  /** What the page will show once built; undefined when the page exists. */
  upcoming?: string
}

/** sections lists every page of the dashboard's navigation. */
export const sections: Section[] = [
  { id: 'overview', title: 'Overview', href: '/', permission: 'dashboards:read' },
  {
    id: 'metrics',
    title: 'Metrics',
    href: '/dashboard/metrics',
    permission: 'metrics:read',
  },
  {
    id: 'logs',
    title: 'Logs',
    href: '/dashboard/logs',
    permission: 'logs:read',
  },
  {
    id: 'events',
    title: 'Events',
    href: '/dashboard/events',
    permission: 'events:read',
  },
  {
    id: 'anomalies',
    title: 'Anomalies',
    href: '/dashboard/anomalies',
    permission: 'anomalies:read',
  },
  {
    id: 'incidents',
    title: 'Incidents',
    href: '/dashboard/incidents',
    permission: 'incidents:read',
  },
  {
    id: 'drift',
    title: 'Drift',
    href: '/dashboard/drift',
    permission: 'drift:read',
  },
  {
    id: 'policies',
    title: 'Policies',
    href: '/dashboard/policies',
    permission: 'policies:read',
  },
  {
    id: 'remediation',
    title: 'Remediation',
    href: '/dashboard/remediation',
    permission: 'remediation:read',
  },
  { id: 'audit', title: 'Audit', href: '/dashboard/audit', permission: 'audit:read' },
  { id: 'settings', title: 'Settings', href: '/dashboard/settings', permission: 'users:manage' },
]

/** visibleSections returns the sections a holder of these permissions may open. */
export function visibleSections(held: readonly string[]): Section[] {
  return sections.filter((s) => held.includes(s.permission))
}
