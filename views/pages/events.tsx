/** @jsxImportSource hono/jsx */
/**
 * The Events page: deploys, restarts, config changes and drift reports on one timeline, newest
 * first, filtered by source, kind, severity and age. The URL holds the filters.
 */
import { severities, type StoredEvent } from '../../src/events/types.ts'
import { EventItems } from '../partials/event-items.tsx'
import { RangeSelect } from '../partials/range-select.tsx'
import { FilterChoice, FilterSubmit, filterUrl } from '../partials/filters.tsx'

/** EventsView is the state the page shows, read from the URL. */
export interface EventsView {
  source: string
  kind: string
  severity: string
  since: string
}

/** eventsUrl is the page's URL for a view, leaving out empty filters. */
export function eventsUrl(view: EventsView, extra: Record<string, string> = {}): string {
  return filterUrl('/dashboard/events', view, extra)
}

/** EventsPage renders the filters and the timeline. */
export function EventsPage(props: {
  view: EventsView
  events: StoredEvent[]
  nextUrl?: string | undefined
  error?: string | undefined
}) {
  const v = props.view
  return (
    <>
      <h1>Events</h1>
      <section class="panel">
        <form method="get" action="/dashboard/events" class="filters" id="events-form">
          <label>
            Source
            <input name="source" value={v.source} maxlength={128} placeholder="any" />
          </label>
          <label>
            Kind
            <input name="kind" value={v.kind} maxlength={128} placeholder="any" />
          </label>
          <FilterChoice name="severity" label="Severity" value={v.severity} options={severities} />
          <RangeSelect label="Since" name="since" value={v.since} />
          <FilterSubmit error={props.error} />
        </form>
      </section>
      <section class="panel">
        {props.events.length === 0 && !props.error ? (
          <p class="muted" id="no-events">
            <strong>No events match these filters in the last {v.since}.</strong> Events arrive with
            an <code>ingest:write</code> token through <code>POST /api/v1/ingest/events</code>,{' '}
            <code>POST /events</code> or gitopsd's <code>POST /gitopsd/events</code>.
          </p>
        ) : null}
        <ol class="timeline" id="events">
          <EventItems events={props.events} nextUrl={props.nextUrl} />
        </ol>
      </section>
    </>
  )
}
