/** The dashboard's sections, in navigation order; those not built yet say what brings them. */

/** Section is one entry of the navigation. */
export interface Section {
  id: string
  title: string
  href: string
  /** What the page will show once built; undefined when the page exists. */
  upcoming?: string
}

/** sections lists every page of the dashboard's navigation. */
export const sections: Section[] = [
  { id: 'overview', title: 'Overview', href: '/' },
  {
    id: 'metrics',
    title: 'Metrics',
    href: '/dashboard/metrics',
    upcoming:
      'Series browser and charts over the ingested metrics, with a PromQL-subset query box.',
  },
  {
    id: 'logs',
    title: 'Logs',
    href: '/dashboard/logs',
    upcoming: 'Full-text log search per service, live tail and error rates.',
  },
  {
    id: 'events',
    title: 'Events',
    href: '/dashboard/events',
    upcoming: 'Deploys, restarts, config changes and Kubernetes events on one timeline.',
  },
  {
    id: 'anomalies',
    title: 'Anomalies',
    href: '/dashboard/anomalies',
    upcoming: 'What the streaming detector found, with the expected band and why it fired.',
  },
  {
    id: 'incidents',
    title: 'Incidents',
    href: '/dashboard/incidents',
    upcoming:
      'Open and resolved incidents with their timeline, acknowledgements and notifications.',
  },
  {
    id: 'drift',
    title: 'Drift',
    href: '/dashboard/drift',
    upcoming:
      'Differences between the manifests in git and the live cluster, and compliance findings.',
  },
  {
    id: 'policies',
    title: 'Policies',
    href: '/dashboard/policies',
    upcoming: 'Alert rules, compliance, remediation and access policies with their status.',
  },
  {
    id: 'remediation',
    title: 'Remediation',
    href: '/dashboard/remediation',
    upcoming: 'Tasks awaiting approval, running and done, with their guards and results.',
  },
  {
    id: 'audit',
    title: 'Audit',
    href: '/dashboard/audit',
    upcoming: 'The tamper-evident record of every change and every read of monitoring data.',
  },
  {
    id: 'settings',
    title: 'Settings',
    href: '/dashboard/settings',
    upcoming: 'Users, roles and API tokens.',
  },
]

/** findSection returns the section with this id, if any. */
export function findSection(id: string): Section | undefined {
  return sections.find((s) => s.id === id)
}
