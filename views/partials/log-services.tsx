/** @jsxImportSource hono/jsx */
/**
 * The services that send logs, with their line counts, last line and error rate over the last five
 * minutes; each links to its lines with the current filters kept.
 */
import type { ServiceSummary } from '../../src/logs/types.ts'
import { logsUrl, type LogsView } from '../../src/logs/view.ts'

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s ago`
  if (s < 3600) return `${Math.floor(s / 60)}m ago`
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`
  return `${Math.floor(s / 86_400)}d ago`
}

/** ServicesPanel lists the services that send logs, or says how to send the first lines. */
export function ServicesPanel(props: { view: LogsView; services: ServiceSummary[]; now: number }) {
  if (props.services.length === 0) {
    return (
      <section class="panel empty" id="no-services">
        <p>
          <strong>No services have sent logs yet.</strong> Send some with an{' '}
          <code>ingest:write</code> token: <code>POST /api/v1/ingest/logs</code> (JSON) or{' '}
          <code>POST /logs</code> (one line per row).
        </p>
      </section>
    )
  }
  return (
    <section class="panel">
      <table class="table" id="services">
        <thead>
          <tr>
            <th>Service</th>
            <th class="num">Lines</th>
            <th>Last line</th>
            <th class="num">Errors, last 5 min</th>
          </tr>
        </thead>
        <tbody>
          {props.services.map((s) => (
            <tr class={s.service === props.view.service ? 'selected' : undefined}>
              <td>
                <a href={logsUrl({ ...props.view, service: s.service })}>{s.service}</a>
              </td>
              <td class="num">{s.lines.toLocaleString('en-US')}</td>
              <td>
                <time datetime={new Date(s.last_seen).toISOString()}>
                  {ago(props.now - s.last_seen)}
                </time>
              </td>
              <td class={s.error_rate > 0.05 ? 'num bad' : 'num'}>
                {s.lines_5m ? `${(s.error_rate * 100).toFixed(1)}% of ${s.lines_5m}` : '–'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
