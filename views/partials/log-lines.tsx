/** @jsxImportSource hono/jsx */
/**
 * Log lines as list items, newest first: a summary (time, level, message with its search matches
 * marked) that opens to the line's details. The same items answer "load older", so the button
 * swaps itself for the next page. static/logs.js builds live lines with the same structure.
 */
import { highlight } from '../../src/logs/highlight.ts'
import type { StoredLog } from '../../src/logs/types.ts'
import { LoadOlder } from './load-older.tsx'

/** LogLinesProps are one page of lines and how to fetch the next. */
export interface LogLinesProps {
  logs: StoredLog[]
  /** pattern is the highlight pattern of the search (see `highlightPattern`). */
  pattern?: string | undefined
  /** nextUrl fetches the next older page; undefined on the last page. */
  nextUrl?: string | undefined
  /** error is why this page could not be read (a bad cursor), shown in place of the button. */
  error?: string | undefined
}

/** LogLine renders one line; its message is text, so markup in it is shown, never run. */
export function LogLine(props: { log: StoredLog; pattern?: string | undefined }) {
  const l = props.log
  const iso = new Date(l.ts).toISOString()
  const labels = Object.entries(l.labels)
  return (
    <li class="log-line" data-level={l.level} data-id={String(l.id)}>
      <details>
        <summary>
          <time datetime={iso}>{iso.slice(0, 23).replace('T', ' ')}</time>
          <span class={`level level-${l.level}`}>{l.level}</span>
          <span class="message">
            {highlight(l.message, props.pattern).map((s) =>
              s.mark ? <mark>{s.text}</mark> : s.text,
            )}
          </span>
        </summary>
        <dl class="line-detail">
          <dt>Service</dt>
          <dd>{l.service}</dd>
          <dt>Level</dt>
          <dd>{l.level}</dd>
          <dt>Time</dt>
          <dd>
            <code>{iso}</code>
          </dd>
          <dt>Labels</dt>
          <dd>
            {labels.length
              ? labels.map(([k, v]) => <code class="label">{`${k}=${v}`}</code>)
              : 'none'}
          </dd>
          {l.truncated ? (
            <>
              <dt>Note</dt>
              <dd>The message was cut to the configured maximum size.</dd>
            </>
          ) : null}
        </dl>
      </details>
    </li>
  )
}

/** LogLines renders a page of lines and, when there are older ones, the button that loads them. */
export function LogLines(props: LogLinesProps) {
  return (
    <>
      {props.logs.map((log) => (
        <LogLine log={log} pattern={props.pattern} />
      ))}
      <LoadOlder nextUrl={props.nextUrl} error={props.error} />
    </>
  )
}
