/** @jsxImportSource hono/jsx */
/**
 * The Logs page: the services that send logs, then for the chosen one its lines newest first,
 * filtered by level, time range and full-text search, with "load older" and a live tail
 * (static/logs.js). The URL holds the filters, so a view can be shared by copying it.
 */
import { levels, type ServiceSummary, type StoredLog } from '../../src/logs/types.ts'
import { LogLines } from '../partials/log-lines.tsx'
import { rangePresets } from './metrics.tsx'

/** LogsView is the state the page shows, read from the URL. */
export interface LogsView {
  service: string
  level: string
  range: string
  search: string
}

/** LogsPageProps are everything the page shows; the route has read it all. */
export interface LogsPageProps {
  view: LogsView
  services: ServiceSummary[]
  now: number
  /** logs is the first page of the chosen service; undefined when none is chosen or on error. */
  logs?: StoredLog[] | undefined
  pattern?: string | undefined
  nextUrl?: string | undefined
  /** error is a rejected filter (a bad search), shown on the form. */
  error?: string | undefined
  /** streamUrl is the live tail of the chosen service with the same filters. */
  streamUrl?: string | undefined
}

/** logsUrl is the page's URL for a view, leaving out the defaults. */
export function logsUrl(view: LogsView, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...view, ...extra })) if (v) params.set(k, v)
  const text = params.toString()
  return text ? `/dashboard/logs?${text}` : '/dashboard/logs'
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s ago`
  if (s < 3600) return `${Math.floor(s / 60)}m ago`
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`
  return `${Math.floor(s / 86_400)}d ago`
}

function ServicesPanel(props: { view: LogsView; services: ServiceSummary[]; now: number }) {
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

function Filters(props: { view: LogsView; error?: string | undefined }) {
  const v = props.view
  return (
    <form method="get" action="/dashboard/logs" class="filters" id="logs-form">
      <input type="hidden" name="service" value={v.service} />
      <label>
        Level
        <select name="level">
          <option value="">any</option>
          {levels.map((l) => (
            <option value={l} selected={v.level === l}>
              {l} and above
            </option>
          ))}
        </select>
      </label>
      <label>
        Range
        <select name="range">
          {rangePresets.map((r) => (
            <option value={r} selected={v.range === r}>
              last {r}
            </option>
          ))}
        </select>
      </label>
      <label class="grow">
        Search
        <input
          name="search"
          id="search"
          value={v.search}
          maxlength={1000}
          placeholder='timeout "connection reset" db*'
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby="search-hint"
        />
      </label>
      <button type="submit" class="primary">
        Search
      </button>
      <p class="hint muted" id="search-hint">
        Words must all occur; <code>"a phrase"</code> matches words in order; <code>pay*</code>{' '}
        matches a prefix; <code>OR</code> between alternatives.
      </p>
      {props.error ? (
        <p class="error form-error" role="alert" id="search-error">
          {props.error}
        </p>
      ) : null}
    </form>
  )
}

/** LogsPage renders the services, the filters and the chosen service's lines. */
export function LogsPage(props: LogsPageProps) {
  const v = props.view
  return (
    <>
      <h1>Logs</h1>
      <ServicesPanel view={v} services={props.services} now={props.now} />
      {v.service ? (
        <section class="panel" id="log-results">
          <h2>{v.service}</h2>
          <Filters view={v} error={props.error} />
          {props.logs ? (
            <>
              <div
                class="tail-bar"
                id="tail"
                data-stream={props.streamUrl}
                data-pattern={props.pattern}
              >
                <button type="button" id="tail-toggle" aria-pressed="false">
                  Live tail
                </button>
                <button type="button" id="tail-pause" hidden>
                  Pause
                </button>
                <span id="tail-status" class="muted" role="status"></span>
                <span id="tail-dropped" class="error" role="alert" hidden></span>
              </div>
              {props.logs.length === 0 ? (
                <p class="empty-lines muted" id="no-lines">
                  No lines match these filters in the last {v.range}. Widen the range, lower the
                  level or change the search.
                </p>
              ) : null}
              <ol class="log-lines" id="log-lines">
                <LogLines logs={props.logs} pattern={props.pattern} nextUrl={props.nextUrl} />
              </ol>
            </>
          ) : null}
        </section>
      ) : props.services.length ? (
        <p class="muted">Choose a service to see its lines.</p>
      ) : null}
    </>
  )
}
