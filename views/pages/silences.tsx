/** @jsxImportSource hono/jsx */
/**
 * The Silences page: active, pending (maintenance windows) and expired silences, a form to create
 * one (prefilled from an incident's labels by "Silence like this") and a button to expire one.
 */
import type { SilenceView } from '../../src/incidents/silences.ts'
import { formatMatchers } from '../../src/incidents/silence.ts'
import { formatTime } from '../../src/units.ts'

/** SilenceForm is what the create form shows: its last values and what was wrong with them. */
export interface SilenceForm {
  matchers: string
  comment: string
  duration: string
  startsAt: string
}

/** SilencesPage renders the form and the list. */
export function SilencesPage(props: {
  silences: SilenceView[]
  canWrite: boolean
  csrfToken: string | undefined
  form: SilenceForm
  flash?: { kind: 'ok' | 'error'; text: string } | undefined
}) {
  const f = props.form
  return (
    <>
      <p>
        <a href="/dashboard/incidents">← Incidents</a>
      </p>
      <h1>Silences</h1>
      <p class="muted">
        An incident whose labels match every matcher of an active silence is marked silenced and
        nobody is notified. A silence that starts later is a maintenance window.
      </p>
      {props.flash ? (
        <p
          class={`flash ${props.flash.kind}`}
          role={props.flash.kind === 'error' ? 'alert' : undefined}
        >
          {props.flash.text}
        </p>
      ) : null}
      {props.canWrite ? (
        <section class="panel">
          <h2>New silence</h2>
          <form method="post" action="/dashboard/silences" id="silence-form" class="stack">
            <input type="hidden" name="_csrf" value={props.csrfToken ?? ''} />
            <label>
              Matchers, one a line (<code>name=value</code>, <code>!=</code>, <code>=~</code> regex,{' '}
              <code>!~</code>)
              <textarea name="matchers" rows={4} maxlength={8000} required>
                {f.matchers}
              </textarea>
            </label>
            <label>
              Comment
              <input name="comment" value={f.comment} maxlength={2000} required />
            </label>
            <label>
              Duration
              <input name="duration" value={f.duration} maxlength={32} placeholder="2h" />
            </label>
            <label>
              Starts at (RFC 3339; empty: now)
              <input
                name="starts_at"
                value={f.startsAt}
                maxlength={40}
                placeholder="2026-12-01T22:00:00Z"
              />
            </label>
            <button type="submit" class="primary" id="create-silence">
              Silence
            </button>
          </form>
        </section>
      ) : null}
      <section class="panel">
        {props.silences.length === 0 ? (
          <p class="muted" id="no-silences">
            No silences yet.
          </p>
        ) : (
          <table class="table" id="silences">
            <thead>
              <tr>
                <th>State</th>
                <th>Matchers</th>
                <th>Comment</th>
                <th>Starts</th>
                <th>Ends</th>
                <th>By</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {props.silences.map((s) => (
                <tr data-silence={String(s.id)} data-state={s.state}>
                  <td>
                    <span class={`badge silence-${s.state}`}>{s.state}</span>
                  </td>
                  <td>
                    <code>{formatMatchers(s.matchers)}</code>
                  </td>
                  <td>{s.comment}</td>
                  <td>{formatTime(s.startsAt)}</td>
                  <td>{formatTime(s.endsAt)}</td>
                  <td>
                    {s.createdBy}
                    {s.expiredBy ? <small class="muted"> expired by {s.expiredBy}</small> : null}
                  </td>
                  <td>
                    {props.canWrite && s.state !== 'expired' ? (
                      <form method="post" action={`/dashboard/silences/${s.id}/expire`}>
                        <input type="hidden" name="_csrf" value={props.csrfToken ?? ''} />
                        <button type="submit">Expire</button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
