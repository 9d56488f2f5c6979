/** @jsxImportSource hono/jsx */
/** The Audit page: filters, the newest entries first, older ones on demand, and the chain check. */
import type { AuditEntry, ChainVerdict } from '../../src/audit/types.ts'
import { formatTime } from '../../src/units.ts'

type Query = Record<string, string>

function moreUrl(query: Query, cursor: number): string {
  const params = new URLSearchParams({ ...query, cursor: String(cursor) })
  return `/dashboard/audit?${params.toString()}`
}

/** AuditRows renders table rows, ending with a row that loads older entries. */
export function AuditRows(props: {
  entries: AuditEntry[]
  nextCursor: number | undefined
  query: Query
}) {
  return (
    <>
      {props.entries.map((e) => (
        <tr data-seq={String(e.seq)}>
          <td class="num">{e.seq}</td>
          <td>
            <time datetime={new Date(e.ts).toISOString()}>{formatTime(e.ts, true)}</time>
          </td>
          <td>
            {e.actor} <small class="muted">{e.actorType}</small>
          </td>
          <td>
            <code>{e.action}</code>
          </td>
          <td>{e.target ?? ''}</td>
          <td>
            <span class={`badge ${e.outcome}`}>{e.outcome}</span>
          </td>
          <td>{e.clientAddress ?? ''}</td>
          <td class="details">
            <code>{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</code>
          </td>
        </tr>
      ))}
      {props.nextCursor !== undefined ? (
        <tr class="more">
          <td colspan={8}>
            <button
              type="button"
              hx-get={moreUrl(props.query, props.nextCursor)}
              hx-target="closest tr"
              hx-swap="outerHTML"
            >
              Older entries
            </button>
          </td>
        </tr>
      ) : null}
    </>
  )
}

/** ChainStatus says whether the hash chain is intact. */
export function ChainStatus(props: { verdict: ChainVerdict }) {
  const v = props.verdict
  return v.ok ? (
    <span class="badge success" id="chain-status">
      Chain intact: {v.count} entries checked
    </span>
  ) : (
    <span class="badge failure" id="chain-status">
      Chain broken at entry {v.seq}: {v.reason}
    </span>
  )
}

/** AuditPage renders the filters and the first page of entries. */
export function AuditPage(props: {
  entries: AuditEntry[]
  nextCursor: number | undefined
  query: Query
  error?: string | undefined
}) {
  const q = props.query
  return (
    <>
      <h1>Audit</h1>
      <section class="panel">
        <form method="get" action="/dashboard/audit" class="filters">
          <label>
            Actor <input name="actor" value={q.actor ?? ''} maxlength={200} />
          </label>
          <label>
            Action{' '}
            <input name="action" value={q.action ?? ''} placeholder="auth." maxlength={200} />
          </label>
          <label>
            Since <input name="since" value={q.since ?? ''} placeholder="2026-11-22T00:00:00Z" />
          </label>
          <label>
            Until <input name="until" value={q.until ?? ''} />
          </label>
          <button type="submit">Filter</button>
          <button
            type="button"
            hx-get="/partials/audit/verify"
            hx-target="#chain-status"
            hx-swap="outerHTML"
          >
            Verify chain
          </button>
          <span id="chain-status"></span>
        </form>
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : null}
      </section>
      {props.entries.length === 0 ? (
        <section class="panel empty">
          <p>No audit entries match these filters.</p>
        </section>
      ) : (
        <section class="panel">
          <table class="table">
            <thead>
              <tr>
                <th>#</th>
                <th>Time (UTC)</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Target</th>
                <th>Outcome</th>
                <th>Client</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              <AuditRows entries={props.entries} nextCursor={props.nextCursor} query={q} />
            </tbody>
          </table>
        </section>
      )}
    </>
  )
}
