/** @jsxImportSource hono/jsx */
/**
 * Anomalies as timeline items, newest first: time, severity, the series, the value against the
 * band that was expected and the explanation, with a link to the series on the Metrics page. The
 * same items answer "load older".
 */
import type { StoredAnomaly } from '../../src/anomaly/store.ts'
import { LoadOlder } from './load-older.tsx'

const round = (n: number) => (Number.isFinite(n) ? String(Number(n.toPrecision(4))) : String(n))

/** AnomalyItem renders one anomaly; the series text is escaped, never run. */
export function AnomalyItem(props: { anomaly: StoredAnomaly }) {
  const a = props.anomaly
  const iso = new Date(a.ts).toISOString()
  const chart = `/dashboard/metrics?${new URLSearchParams({ query: a.series, range: '6h' })}`
  return (
    <li class="event anomaly" data-severity={a.severity} data-id={String(a.id)}>
      <details>
        <summary>
          <time datetime={iso}>{iso.slice(0, 19).replace('T', ' ')}</time>
          <span class={`level level-${a.severity}`}>{a.severity}</span>
          <code class="event-source">{a.component.replace('_', ' ')}</code>
          <strong class="event-subject">{a.series}</strong>
          <span class="event-message">
            {round(a.value)} where {round(a.expected.low)}–{round(a.expected.high)} was expected
          </span>
        </summary>
        <dl class="line-detail">
          <dt>Why</dt>
          <dd>{a.explanation}</dd>
          <dt>Score</dt>
          <dd>{a.score.toFixed(2)}</dd>
          <dt>Series</dt>
          <dd>
            <a href={chart}>Show on the Metrics page</a>
          </dd>
        </dl>
      </details>
    </li>
  )
}

/** AnomalyItems renders a page of anomalies and, when there are older ones, the button for them. */
export function AnomalyItems(props: {
  anomalies: StoredAnomaly[]
  nextUrl?: string | undefined
  error?: string | undefined
}) {
  return (
    <>
      {props.anomalies.map((anomaly) => (
        <AnomalyItem anomaly={anomaly} />
      ))}
      <LoadOlder nextUrl={props.nextUrl} error={props.error} />
    </>
  )
}
