/** @jsxImportSource hono/jsx */
/**
 * The Logs page: the services that send logs, then for the chosen one its lines newest first,
 * filtered by level, time range and full-text search, with "load older" and a live tail
 * (static/logs.js). The URL holds the filters, so a view can be shared by copying it.
 */
import { levels, type ServiceSummary, type StoredLog } from '../../src/logs/types.ts'
import type { LogsView } from '../../src/logs/view.ts'
import { LogLines } from '../partials/log-lines.tsx'
import { ServicesPanel } from '../partials/log-services.tsx'
import { RangeSelect } from '../partials/range-select.tsx'

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
      <RangeSelect label="Range" name="range" value={v.range} />
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
