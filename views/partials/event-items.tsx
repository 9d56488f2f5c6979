/** @jsxImportSource hono/jsx */
/**
 * Events as timeline items, newest first: time, severity, source and kind, subject and message,
 * opening to the attributes. The same items answer "load older", so the button swaps itself for
 * the next page.
 */
import type { StoredEvent } from '../../src/events/types.ts'
import { LoadOlder } from './load-older.tsx'

/** EventItem renders one event; its text and attributes are escaped, never run. */
export function EventItem(props: { event: StoredEvent }) {
  const e = props.event
  const iso = new Date(e.ts).toISOString()
  const attributes = Object.keys(e.attributes).length
  return (
    <li class="event" data-severity={e.severity} data-id={String(e.id)}>
      <details>
        <summary>
          <time datetime={iso}>{iso.slice(0, 19).replace('T', ' ')}</time>
          <span class={`level level-${e.severity}`}>{e.severity}</span>
          <code class="event-source">{`${e.source}/${e.kind}`}</code>
          <strong class="event-subject">{e.subject}</strong>
          <span class="event-message">{e.message}</span>
        </summary>
        <dl class="line-detail">
          <dt>Time</dt>
          <dd>
            <code>{iso}</code>
          </dd>
          <dt>Attributes</dt>
          <dd>{attributes ? <pre>{JSON.stringify(e.attributes, null, 2)}</pre> : 'none'}</dd>
          {e.truncated ? (
            <>
              <dt>Note</dt>
              <dd>Some of the event was cut to the configured maximum size.</dd>
            </>
          ) : null}
        </dl>
      </details>
    </li>
  )
}

/** EventItems renders a page of events and, when there are older ones, the button for them. */
export function EventItems(props: {
  events: StoredEvent[]
  nextUrl?: string | undefined
  error?: string | undefined
}) {
  return (
    <>
      {props.events.map((event) => (
        <EventItem event={event} />
      ))}
      <LoadOlder nextUrl={props.nextUrl} error={props.error} />
    </>
  )
}
