/** @jsxImportSource hono/jsx */
/**
 * One remediation task: what it does to which object and why, who asked and who decided, its
 * state, the guards' decisions, the server-side dry run and the result, with the decisions the
 * principal may take. The state and everything after it are marked live.
 */
import { targetKey, type Task } from '../../src/remediation/types.ts'
import { formatDuration, formatTime } from '../../src/units.ts'
import { DecisionForm, TaskStateBadge, type TaskCan } from '../partials/task-rows.tsx'

/** maxShown is how many characters of JSON output the page shows before cutting. */
export const maxShown = 20_000

/** pretty prints a value as indented JSON, cut at `maxShown` characters (and says so). */
export function pretty(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? 'null')
  if (text.length <= maxShown) return text
  return `${text.slice(0, maxShown)}\n… cut: ${text.length - maxShown} more characters (the API has all of it)`
}

/** TaskPageProps are what the detail page shows. */
export interface TaskPageProps {
  task: Task
  can: TaskCan
  csrfToken: string | undefined
  flash?: { kind: 'ok' | 'error'; text: string } | undefined
}

const times = [
  ['Created', 'createdAt'],
  ['Updated', 'updatedAt'],
  ['Expires', 'expiresAt'],
  ['Started', 'startedAt'],
  ['Changed the cluster', 'mutatedAt'],
  ['Finished', 'finishedAt'],
] as const

function TaskState(props: TaskPageProps) {
  const t = props.task
  return (
    <section class="panel" id="task-state" data-live="" data-state={t.state}>
      <p>
        <TaskStateBadge task={t} />
        {t.phase ? (
          <>
            {' '}
            phase <code>{t.phase}</code>
          </>
        ) : null}
        , attempt {t.attempts} of {t.maxAttempts}.
      </p>
      {t.decidedBy ? (
        <p id="task-decision">
          Decided by {t.decidedBy}
          {t.decisionComment ? `: ${t.decisionComment}` : '.'}
        </p>
      ) : null}
      <DecisionForm task={t} can={props.can} csrf={props.csrfToken ?? ''} back="task" />
      <dl class="line-detail">
        {times.map(([label, key]) =>
          t[key] !== null ? (
            <>
              <dt>{label}</dt>
              <dd>{formatTime(t[key], true)}</dd>
            </>
          ) : null,
        )}
      </dl>
    </section>
  )
}

function Guards(props: { task: Task }) {
  const guards = props.task.guards
  return (
    <section class="panel" id="task-guards" data-live="">
      <h2>Guards</h2>
      {guards.length === 0 ? (
        <p class="muted">No guard has decided yet.</p>
      ) : (
        <table class="table" id="guard-decisions">
          <thead>
            <tr>
              <th>Guard</th>
              <th>Allowed</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {guards.map((g) => (
              <tr data-guard={g.guard} data-allowed={String(g.allowed)}>
                <td>
                  <code>{g.guard}</code>
                </td>
                <td class={g.allowed ? 'badge success' : 'badge failure'}>
                  {g.allowed ? '✓' : '✗'}
                </td>
                <td>{g.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function Outcome(props: { task: Task }) {
  const t = props.task
  const r = t.result
  return (
    <>
      <section class="panel" id="task-dry-run" data-live="">
        <h2>Dry run</h2>
        {t.dryRun === null || t.dryRun === undefined ? (
          <p class="muted">No server-side dry run yet.</p>
        ) : (
          <pre id="dry-run-output">{pretty(t.dryRun)}</pre>
        )}
      </section>
      <section class="panel" id="task-result" data-live="">
        <h2>Result</h2>
        {r ? (
          <>
            <p id="result-message">{r.message}</p>
            <dl class="line-detail">
              <dt>Duration</dt>
              <dd>{formatDuration(r.durationMs)}</dd>
              <dt>Verified</dt>
              <dd>{r.verified ?? '—'}</dd>
              {r.refusedBy ? (
                <>
                  <dt>Refused by</dt>
                  <dd>{r.refusedBy}</dd>
                </>
              ) : null}
              {r.dryRun ? (
                <>
                  <dt>Dry run only</dt>
                  <dd>yes (mode dry_run)</dd>
                </>
              ) : null}
            </dl>
            {r.output !== undefined ? <pre id="result-output">{pretty(r.output)}</pre> : null}
          </>
        ) : (
          <p class="muted">Not finished.</p>
        )}
      </section>
    </>
  )
}

/** TaskPage renders the whole detail page. */
export function TaskPage(props: TaskPageProps) {
  const t = props.task
  return (
    <>
      <p>
        <a href="/dashboard/remediation">← Remediation</a>
      </p>
      <h1 data-task={String(t.id)}>
        Task #{t.id}: <code>{t.action}</code> on {targetKey(t.target)}
      </h1>
      {props.flash ? (
        <p
          class={`flash ${props.flash.kind}`}
          role={props.flash.kind === 'error' ? 'alert' : undefined}
          id="task-flash"
        >
          {props.flash.text}
        </p>
      ) : null}
      <div data-stream="/dashboard/remediation/stream">
        <TaskState {...props} />
      </div>
      <section class="panel">
        <h2>What and why</h2>
        <dl class="line-detail">
          <dt>Reason</dt>
          <dd>{t.reason}</dd>
          <dt>Requester</dt>
          <dd>
            {t.requester.name} ({t.requester.kind}
            {t.requester.role ? `, ${t.requester.role}` : ''})
          </dd>
          <dt>Incident</dt>
          <dd>
            {t.incidentId !== null ? (
              <a href={`/dashboard/incidents/${t.incidentId}`}>#{t.incidentId}</a>
            ) : (
              '—'
            )}
          </dd>
          {t.policy ? (
            <>
              <dt>Policy</dt>
              <dd>
                <a href={`/dashboard/policies/RemediationPolicy/${encodeURIComponent(t.policy)}`}>
                  {t.policy}
                </a>
                {t.step !== null ? ` step ${t.step}` : ''}
              </dd>
            </>
          ) : null}
          <dt>Target</dt>
          <dd>{targetKey(t.target)}</dd>
          <dt>Priority</dt>
          <dd>{t.priority}</dd>
        </dl>
        <h2>Params</h2>
        <pre id="task-params">{pretty(t.params)}</pre>
      </section>
      <Guards task={t} />
      <Outcome task={t} />
    </>
  )
}
