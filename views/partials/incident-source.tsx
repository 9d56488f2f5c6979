/** @jsxImportSource hono/jsx */
/** What fired an incident, as links to where it can be seen: the chart, the logs, the findings. */
import type { Incident } from '../../src/incidents/types.ts'

const link = (path: string, params: Record<string, string>) =>
  `${path}?${new URLSearchParams(params)}`

/** IncidentSource renders the "what fired it" list of an incident. */
export function IncidentSource(props: { incident: Incident }) {
  const source = props.incident.source
  if (source.kind === 'manual') return <p class="muted">Opened by hand.</p>
  const q = source.query ?? ''
  const ids = source.ids ?? []
  switch (source.kind) {
    case 'metrics':
      return (
        <p>
          The expression <code>{q}</code>:{' '}
          <a id="source-link" href={link('/dashboard/metrics', { query: q, range: '6h' })}>
            show the chart
          </a>
        </p>
      )
    case 'logs':
      return (
        <p>
          The logs of <code>{q}</code>:{' '}
          <a id="source-link" href={link('/dashboard/logs', { service: q })}>
            show the logs
          </a>
        </p>
      )
    case 'anomalies':
      return (
        <p>
          Anomalies of <code>{q || 'any series'}</code>:{' '}
          <a id="source-link" href={link('/dashboard/anomalies', q ? { series: q } : {})}>
            show the anomalies
          </a>
        </p>
      )
    case 'drift':
      return (
        <p>
          Drift and compliance findings{ids.length ? ` ${ids.join(', ')}` : ''}:{' '}
          <a id="source-link" href="/dashboard/drift">
            show the findings
          </a>
        </p>
      )
    case 'events':
      return (
        <p>
          Events{ids.length ? ` ${ids.join(', ')}` : ''}:{' '}
          <a id="source-link" href="/dashboard/events">
            show the events
          </a>
        </p>
      )
  }
}
