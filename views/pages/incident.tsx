/** @jsxImportSource hono/jsx */
/**
 * One incident: its state, labels and annotations, what fired it, the timeline and the delivery
 * log, with acknowledge / resolve / note / "silence like this" for those who may change it. The
 * state, timeline and deliveries are marked live and re-read when the incident changes.
 */
import type { Incident, TimelineEntry } from '../../src/incidents/types.ts'
import type { Delivery } from '../../src/notify/outbox-store.ts'
import { formatTime } from '../../src/units.ts'
import { StatusBadge } from '../partials/incident-rows.tsx'
import { IncidentSource } from '../partials/incident-source.tsx'
import type { StoredFinding } from '../../src/drift/findings-store.ts'
import type { Task } from '../../src/remediation/types.ts'
import { ProposeForm, TaskTable, type ProposeValues } from '../partials/task-rows.tsx'

/** IncidentPageProps are what the detail page shows. */
export interface IncidentPageProps {
  incident: Incident
  timeline: TimelineEntry[]
  deliveries: Delivery[]
  canWrite: boolean
  csrfToken: string | undefined
  flash?: { kind: 'ok' | 'error'; text: string } | undefined
  /** The drift findings that fired it, when a drift rule did. */
  findings?: StoredFinding[]
  now: number
  /** The incident's remediation tasks (for remediation:read) and the propose form (execute). */
  remediation?:
    | {
        tasks: Task[]
        propose?: { actions: { name: string; summary: string }[]; values: ProposeValues }
      }
    | undefined
}

/** IncidentRemediation lists the incident's tasks and offers to propose one. */
function IncidentRemediation(props: IncidentPageProps) {
  const r = props.remediation
  if (!r) return null
  return (
    <section class="panel" id="incident-remediation">
      <h2>Remediation</h2>
      <TaskTable
        id="incident-tasks"
        tasks={r.tasks}
        now={props.now}
        empty="No remediation task for this incident."
      />
      {r.propose ? (
        <details>
          <summary>Propose remediation</summary>
          <ProposeForm
            id="incident-propose"
            actions={r.propose.actions}
            values={r.propose.values}
            csrf={props.csrfToken ?? ''}
            canApprove={false}
          />
        </details>
      ) : null}
    </section>
  )
}

function Pairs(props: { id: string; pairs: Record<string, string> }) {
  const keys = Object.keys(props.pairs)
  if (keys.length === 0) return <p class="muted">none</p>
  return (
    <dl class="line-detail" id={props.id}>
      {keys.map((k) => (
        <>
          <dt>{k}</dt>
          <dd>{props.pairs[k]}</dd>
        </>
      ))}
    </dl>
  )
}

function ActionForm(props: { id: number; action: string; label: string; csrf: string }) {
  return (
    <form method="post" action={`/dashboard/incidents/${props.id}/${props.action}`}>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit" class="primary" id={`incident-${props.action}`}>
        {props.label}
      </button>
    </form>
  )
}

/** IncidentState is the live header: status, who acknowledged or resolved, and the buttons. */
function IncidentState(props: IncidentPageProps) {
  const i = props.incident
  const csrf = props.csrfToken ?? ''
  return (
    <section class="panel" id="incident-state" data-live="" data-status={i.status}>
      <p>
        <StatusBadge incident={i} /> <span class={`level level-${i.severity}`}>{i.severity}</span>{' '}
        started {formatTime(i.startedAt, true)}, last seen {formatTime(i.lastSeenAt, true)}, fired{' '}
        {i.count} time{i.count === 1 ? '' : 's'}
        {i.reopenedCount ? `, reopened ${i.reopenedCount}×` : ''}.
      </p>
      {i.acknowledgedBy ? (
        <p id="acknowledged-by">
          Acknowledged by {i.acknowledgedBy} at {formatTime(i.acknowledgedAt, true)}.
        </p>
      ) : null}
      {i.resolvedBy ? (
        <p id="resolved-by">
          Resolved by {i.resolvedBy} at {formatTime(i.resolvedAt, true)}.
        </p>
      ) : null}
      {props.canWrite ? (
        <div class="actions">
          {i.status === 'triggered' ? (
            <ActionForm id={i.id} action="ack" label="Acknowledge" csrf={csrf} />
          ) : null}
          {i.status !== 'resolved' ? (
            <ActionForm id={i.id} action="resolve" label="Resolve" csrf={csrf} />
          ) : null}
          <a href={`/dashboard/silences?incident=${i.id}`} id="silence-like-this">
            Silence like this
          </a>
        </div>
      ) : null}
    </section>
  )
}

/** IncidentPage renders the whole detail page. */
export function IncidentPage(props: IncidentPageProps) {
  const i = props.incident
  return (
    <>
      <p>
        <a href="/dashboard/incidents">← Incidents</a>
      </p>
      <h1 data-incident={String(i.id)}>{i.title}</h1>
      {props.flash ? (
        <p
          class={`flash ${props.flash.kind}`}
          role={props.flash.kind === 'error' ? 'alert' : undefined}
        >
          {props.flash.text}
        </p>
      ) : null}
      <IncidentState {...props} />
      <section class="panel">
        <h2>What fired it</h2>
        <p>
          {i.rule ? (
            <>
              Rule{' '}
              <a href={`/dashboard/policies/AlertRule/${encodeURIComponent(i.rule)}`}>{i.rule}</a>
              {i.value !== null ? <> with the value {String(i.value)}</> : null}.
            </>
          ) : null}
        </p>
        <IncidentSource incident={i} findings={props.findings ?? []} now={props.now} />
        <h2>Labels</h2>
        <Pairs id="incident-labels" pairs={i.labels} />
        <h2>Annotations</h2>
        <Pairs id="incident-annotations" pairs={i.annotations} />
      </section>
      <IncidentRemediation {...props} />
      <section class="panel" id="incident-timeline" data-live="">
        <h2>Timeline</h2>
        <ol class="timeline">
          {props.timeline.map((e) => (
            <li class="event" data-kind={e.kind}>
              <time datetime={new Date(e.at).toISOString()}>{formatTime(e.at, true)}</time>{' '}
              <span class="badge">{e.kind}</span> <strong>{e.actor}</strong>{' '}
              <span class="event-message">{e.message}</span>
            </li>
          ))}
        </ol>
        {props.canWrite ? (
          <form method="post" action={`/dashboard/incidents/${i.id}/notes`} class="filters">
            <input type="hidden" name="_csrf" value={props.csrfToken ?? ''} />
            <label>
              Note
              <input name="text" maxlength={4000} required placeholder="What you found or did" />
            </label>
            <button type="submit" id="incident-note">
              Add note
            </button>
          </form>
        ) : null}
      </section>
      <section class="panel" id="incident-deliveries" data-live="">
        <h2>Notifications</h2>
        {props.deliveries.length === 0 ? (
          <p class="muted">
            {i.silenceId !== null
              ? 'None: a silence mutes this incident.'
              : 'None yet: the rule names no channel and no route matches, or nothing was sent.'}
          </p>
        ) : (
          <table class="table" id="deliveries">
            <thead>
              <tr>
                <th>Event</th>
                <th>Channel</th>
                <th>Status</th>
                <th class="num">Attempts</th>
                <th>Last error</th>
                <th>Delivered</th>
              </tr>
            </thead>
            <tbody>
              {props.deliveries.map((d) => (
                <tr data-delivery={d.status}>
                  <td>{d.event}</td>
                  <td>{d.channel}</td>
                  <td>{d.status}</td>
                  <td class="num">{d.attempts}</td>
                  <td>{d.lastError ?? ''}</td>
                  <td>{formatTime(d.deliveredAt, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
