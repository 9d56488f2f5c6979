/** @jsxImportSource hono/jsx */
/** The Overview panel: vigil's own vital signs, re-fetched by htmx every few seconds. */
import type { Overview } from '../../src/system/index.ts'
import { formatBytes, formatDuration } from '../../src/units.ts'

/** overviewRefreshSeconds is how often the panel polls for fresh figures. */
export const overviewRefreshSeconds = 5

/** OverviewPanel renders the figures; it replaces itself on every poll. */
export function OverviewPanel(props: { overview: Overview }) {
  const o = props.overview
  const updated = new Date(o.generatedAt).toISOString().slice(11, 19)
  return (
    <section
      id="overview-panel"
      class="panel"
      aria-live="polite"
      hx-get="/partials/overview"
      hx-trigger={`every ${overviewRefreshSeconds}s`}
      hx-swap="outerHTML"
      data-generated-at={String(o.generatedAt)}
    >
      <h2>This instance</h2>
      <dl class="stats">
        <div>
          <dt>Uptime</dt>
          <dd data-stat="uptime">{formatDuration(o.uptimeMs)}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd data-stat="version">{o.version}</dd>
        </div>
        <div>
          <dt>Runtime</dt>
          <dd data-stat="runtime">{o.runtime}</dd>
        </div>
        <div>
          <dt>Database</dt>
          <dd data-stat="database">
            {formatBytes(o.databaseBytes)} <small>{o.databaseKind}</small>
          </dd>
        </div>
        <div>
          <dt>Requests served</dt>
          <dd data-stat="requests">{o.requestsServed.toLocaleString('en-US')}</dd>
        </div>
      </dl>
      <p class="muted">
        Updated <time datetime={new Date(o.generatedAt).toISOString()}>{updated} UTC</time>,
        refreshes every {overviewRefreshSeconds}s.
      </p>
    </section>
  )
}
