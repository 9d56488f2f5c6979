/** @jsxImportSource hono/jsx */
/**
 * The Metrics page: pick a metric and labels (or type PromQL), a time range and a refresh rate; the
 * chart is drawn by static/metrics.js with uPlot. The URL holds the whole state, so a view can be
 * shared by copying it.
 */
import { RangeSelect } from '../partials/range-select.tsx'

/** MetricsView is the state the page shows, read from the URL. */
export interface MetricsView {
  query: string
  range: string
  refresh: string
}

/** refreshPresets are the auto-refresh choices. */
export const refreshPresets = ['off', '10s', '30s', '1m', '5m'] as const

/** MetricsPage renders the controls and the chart container. */
export function MetricsPage(props: { view: MetricsView; names: string[] }) {
  const v = props.view
  return (
    <>
      <h1>Metrics</h1>
      <section class="panel">
        <form method="get" action="/dashboard/metrics" class="filters" id="metrics-form">
          <label>
            Metric
            <select name="metric" id="metric-picker">
              <option value="">{props.names.length ? 'choose…' : 'no metrics yet'}</option>
              {props.names.map((n) => (
                <option value={n} selected={v.query === n || v.query.startsWith(`${n}{`)}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <span id="label-pickers" class="filters"></span>
          <label class="grow">
            Query (PromQL)
            <input
              name="query"
              id="query"
              value={v.query}
              maxlength={10000}
              placeholder="rate(node_network_receive_bytes_total[5m])"
            />
          </label>
          <RangeSelect label="Range" name="range" value={v.range} />
          <label>
            Refresh
            <select name="refresh">
              {refreshPresets.map((r) => (
                <option value={r} selected={v.refresh === r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="primary">
            Show
          </button>
        </form>
      </section>
      {props.names.length === 0 ? (
        <section class="panel empty">
          <p>
            <strong>No metrics yet.</strong> Send some with an <code>ingest:write</code> token:{' '}
            <code>POST /api/v1/ingest/metrics</code>, the host agent's{' '}
            <code>POST /agent/metrics</code>, or create a token under Settings.
          </p>
        </section>
      ) : null}
      <section class="panel">
        <p class="muted" id="chart-status" role="status">
          {v.query ? 'Loading…' : 'Choose a metric or type a query.'}
        </p>
        <div id="chart" data-query={v.query} data-range={v.range} data-refresh={v.refresh}></div>
      </section>
    </>
  )
}
