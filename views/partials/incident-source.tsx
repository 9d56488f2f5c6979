/** @jsxImportSource hono/jsx */
/**
 * What fired an incident: for an expression its chart (drawn by static/metrics.js) with a link to
 * the Metrics page, for drift the findings with their diffs, else a link to where it can be seen.
 */
import type { StoredFinding } from '../../src/drift/findings-store.ts'
import type { Incident } from '../../src/incidents/types.ts'
import { FindingItems } from './finding-items.tsx'

const link = (path: string, params: Record<string, string>) =>
  `${path}?${new URLSearchParams(params)}`

/** IncidentSource renders the "what fired it" list of an incident. */
export function IncidentSource(props: {
  incident: Incident
  findings: StoredFinding[]
  now: number
}) {
  const source = props.incident.source
  if (source.kind === 'manual') return <p class="muted">Opened by hand.</p>
  const q = source.query ?? ''
  const ids = source.ids ?? []
  switch (source.kind) {
    case 'metrics':
      return (
        <div>
          The expression <code>{q}</code>:{' '}
          <a id="source-link" href={link('/dashboard/metrics', { query: q, range: '6h' })}>
            open on the Metrics page
          </a>
          <span class="muted" id="chart-status" role="status"></span>
          <div id="chart" data-query={q} data-range="6h" data-refresh="off"></div>
        </div>
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
        <div>
          Drift and compliance findings{ids.length ? ` ${ids.join(', ')}` : ''}:{' '}
          <a id="source-link" href="/dashboard/drift">
            show all findings
          </a>
          {props.findings.length > 0 ? (
            <ol class="timeline" id="incident-findings">
              <FindingItems findings={props.findings} now={props.now} />
            </ol>
          ) : null}
        </div>
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
