/** @jsxImportSource hono/jsx */
/**
 * The Incidents page: incidents newest first, filtered by status, severity and rule (the URL
 * holds the filters). The list is marked live: static/incidents.js re-reads it when the server
 * says an incident changed, so new incidents and acknowledgements appear without a reload.
 */
import type { Incident } from '../../src/incidents/types.ts'
import { severities } from '../../src/notify/types.ts'
import { IncidentRows } from '../partials/incident-rows.tsx'
import { FilterChoice } from '../partials/filters.tsx'

/** IncidentsView is the state the page shows, read from the URL. */
export interface IncidentsView {
  status: string
  severity: string
  rule: string
}

/** incidentsUrl is the page's URL for a view, leaving out empty filters. */
export function incidentsUrl(view: IncidentsView, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...view, ...extra })) if (v) params.set(k, v)
  const text = params.toString()
  return text ? `/dashboard/incidents?${text}` : '/dashboard/incidents'
}

const statuses = ['open', 'triggered', 'acknowledged', 'resolved'] as const

/** IncidentsPage renders the filters and the live list. */
export function IncidentsPage(props: {
  view: IncidentsView
  incidents: Incident[]
  nextUrl?: string | undefined
}) {
  const v = props.view
  return (
    <>
      <h1>Incidents</h1>
      <p class="muted">
        A firing alert rule opens an incident per group of labels; people acknowledge and resolve
        them. <a href="/dashboard/silences">Silences</a> mute notifications for matching labels;{' '}
        <a href="/dashboard/channels">channels</a> are where they go.
      </p>
      <section class="panel">
        <form method="get" action="/dashboard/incidents" class="filters" id="incidents-form">
          <FilterChoice name="status" label="Status" value={v.status} options={statuses} />
          <FilterChoice name="severity" label="Severity" value={v.severity} options={severities} />
          <label>
            Rule
            <input name="rule" value={v.rule} maxlength={256} placeholder="high-cpu" />
          </label>
          <button type="submit" class="primary">
            Show
          </button>
        </form>
      </section>
      <section
        class="panel"
        id="incidents-live"
        data-live=""
        data-stream="/dashboard/incidents/stream"
      >
        {props.incidents.length === 0 ? (
          <p class="muted" id="no-incidents">
            <strong>No incidents match these filters.</strong> Alert rules open them when they fire;
            you can also open one by hand with <code>POST /api/v1/incidents</code>.
          </p>
        ) : (
          <table class="table" id="incidents">
            <thead>
              <tr>
                <th>Status</th>
                <th>Severity</th>
                <th>Title</th>
                <th>Rule</th>
                <th>Started</th>
                <th class="num">Count</th>
              </tr>
            </thead>
            <tbody>
              <IncidentRows incidents={props.incidents} />
            </tbody>
          </table>
        )}
        {props.nextUrl ? (
          <p>
            <a href={props.nextUrl} id="older-incidents">
              Older incidents
            </a>
          </p>
        ) : null}
      </section>
    </>
  )
}
