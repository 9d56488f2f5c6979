/** @jsxImportSource hono/jsx */
/**
 * The Anomalies page: where series became anomalous, newest first, filtered by series selector,
 * least severity and age. The URL holds the filters.
 */
import { severities } from '../../src/anomaly/severity.ts'
import type { StoredAnomaly } from '../../src/anomaly/store.ts'
import { AnomalyItems } from '../partials/anomaly-items.tsx'
import { RangeSelect } from '../partials/range-select.tsx'
import { FilterChoice, FilterSubmit, filterUrl } from '../partials/filters.tsx'

/** AnomaliesView is the state the page shows, read from the URL. */
export interface AnomaliesView {
  series: string
  severity: string
  since: string
}

/** anomaliesUrl is the page's URL for a view, leaving out empty filters. */
export function anomaliesUrl(view: AnomaliesView, extra: Record<string, string> = {}): string {
  return filterUrl('/dashboard/anomalies', view, extra)
}

/** AnomaliesPage renders the filters, the detector's status line and the list. */
export function AnomaliesPage(props: {
  view: AnomaliesView
  anomalies: StoredAnomaly[]
  nextUrl?: string | undefined
  error?: string | undefined
  status: { enabled: boolean; series: number }
}) {
  const v = props.view
  return (
    <>
      <h1>Anomalies</h1>
      <p class="muted" id="detector-status">
        {props.status.enabled
          ? `The detector scores ${props.status.series} series as their samples arrive.`
          : 'The detector is off (VIGIL_ANOMALY_ENABLED=false): nothing new is scored.'}
      </p>
      <section class="panel">
        <form method="get" action="/dashboard/anomalies" class="filters" id="anomalies-form">
          <label>
            Series
            <input
              name="series"
              value={v.series}
              maxlength={1000}
              placeholder='cpu_usage_percent{host="a"}'
            />
          </label>
          <FilterChoice name="severity" label="At least" value={v.severity} options={severities} />
          <RangeSelect label="Since" name="since" value={v.since} />
          <FilterSubmit error={props.error} />
        </form>
      </section>
      <section class="panel">
        {props.anomalies.length === 0 && !props.error ? (
          <p class="muted" id="no-anomalies">
            <strong>No anomalies match these filters in the last {v.since}.</strong> Every series is
            scored after a warm-up of 150 points; a series that leaves its usual band shows here
            once per episode.
          </p>
        ) : null}
        <ol class="timeline" id="anomalies">
          <AnomalyItems anomalies={props.anomalies} nextUrl={props.nextUrl} />
        </ol>
      </section>
    </>
  )
}
