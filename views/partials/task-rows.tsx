/** @jsxImportSource hono/jsx */
/**
 * Remediation tasks as table rows (id, action, target, requester, incident, state, reason, age)
 * with the decision form a principal may use, and the form that proposes a task. The queue, a
 * task's page and an incident's page share them.
 */
import { targetKey, type Task } from '../../src/remediation/types.ts'
import { formatDuration } from '../../src/units.ts'

/** TaskCan says which decisions the principal may take. */
export interface TaskCan {
  approve: boolean
  execute: boolean
}

/** TaskStateBadge shows a task's state. */
export function TaskStateBadge(props: { task: Task }) {
  const s = props.task.state
  const tone = s === 'succeeded' ? ' success' : s === 'failed' || s === 'rejected' ? ' failure' : ''
  return (
    <span class={`badge task-${s}${tone}`} data-state={s}>
      {s.replace('_', ' ')}
    </span>
  )
}

const decidable = (t: Task, can: TaskCan) => ({
  approve: can.approve && t.state === 'awaiting_approval',
  reject: can.approve && (t.state === 'pending' || t.state === 'awaiting_approval'),
  cancel: can.execute && ['pending', 'awaiting_approval', 'approved'].includes(t.state),
})

/** DecisionForm is one form with a comment and the Approve / Reject / Cancel buttons allowed. */
export function DecisionForm(props: {
  task: Task
  can: TaskCan
  csrf: string
  back: 'queue' | 'task'
}) {
  const may = decidable(props.task, props.can)
  const verbs = (['approve', 'reject', 'cancel'] as const).filter((v) => may[v])
  if (verbs.length === 0) return null
  const url = (verb: string) => `/dashboard/remediation/${props.task.id}/${verb}`
  const label = { approve: 'Approve', reject: 'Reject', cancel: 'Cancel' }
  return (
    <form method="post" action={url(verbs[0]!)} class="actions decision">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="back" value={props.back} />
      <input
        name="comment"
        maxlength={4000}
        placeholder="Comment (optional)"
        aria-label="Comment"
      />
      {verbs.map((verb) => (
        <button
          type="submit"
          formaction={url(verb)}
          class={verb === 'approve' ? 'primary' : undefined}
          data-verb={verb}
        >
          {label[verb]}
        </button>
      ))}
    </form>
  )
}

/** TaskRows renders one row per task; `can` absent shows no buttons. */
export function TaskRows(props: { tasks: Task[]; now: number; can?: TaskCan; csrf?: string }) {
  return (
    <>
      {props.tasks.map((t) => (
        <tr data-task={String(t.id)} data-state={t.state}>
          <td>
            <a href={`/dashboard/remediation/${t.id}`}>#{t.id}</a>
          </td>
          <td>
            <code>{t.action}</code>
          </td>
          <td>{targetKey(t.target)}</td>
          <td>
            {t.requester.name} <small class="muted">{t.requester.kind}</small>
          </td>
          <td>
            {t.incidentId !== null ? (
              <a href={`/dashboard/incidents/${t.incidentId}`}>#{t.incidentId}</a>
            ) : (
              '—'
            )}
          </td>
          <td>
            <TaskStateBadge task={t} />
          </td>
          <td class="event-message">{t.reason}</td>
          <td>
            <time datetime={new Date(t.createdAt).toISOString()}>
              {formatDuration(Math.max(0, props.now - t.createdAt))}
            </time>
          </td>
          {props.can ? (
            <td>
              <DecisionForm task={t} can={props.can} csrf={props.csrf ?? ''} back="queue" />
            </td>
          ) : null}
        </tr>
      ))}
    </>
  )
}

/** TaskTable is a table of tasks with its header, or `empty` when there are none. */
export function TaskTable(props: {
  id: string
  tasks: Task[]
  now: number
  can?: TaskCan
  csrf?: string
  empty: string
}) {
  if (props.tasks.length === 0)
    return (
      <p class="muted" id={props.id} data-live="">
        {props.empty}
      </p>
    )
  return (
    <table class="table" id={props.id} data-live="">
      <thead>
        <tr>
          <th>Task</th>
          <th>Action</th>
          <th>Target</th>
          <th>Requester</th>
          <th>Incident</th>
          <th>State</th>
          <th>Reason</th>
          <th>Age</th>
          {props.can ? <th></th> : null}
        </tr>
      </thead>
      <tbody>
        <TaskRows tasks={props.tasks} now={props.now} can={props.can} csrf={props.csrf} />
      </tbody>
    </table>
  )
}

/** ProposeValues are what the propose form shows (again, after an error). */
export interface ProposeValues {
  action: string
  params: string
  reason: string
  incidentId: string
  note?: string | undefined
}

/** ProposeForm posts a task for approval to /dashboard/remediation/propose. */
export function ProposeForm(props: {
  actions: { name: string; summary: string }[]
  values: ProposeValues
  csrf: string
  canApprove: boolean
  error?: string | undefined
  /** The form's element id (default `propose-form`). */
  id?: string
}) {
  const v = props.values
  return (
    <form
      method="post"
      action="/dashboard/remediation/propose"
      class="propose"
      id={props.id ?? 'propose-form'}
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      {props.error ? (
        <p class="flash error" role="alert" id="propose-error">
          {props.error}
        </p>
      ) : null}
      {v.note ? <p class="muted">{v.note}</p> : null}
      <label>
        Action{' '}
        <select name="action">
          {props.actions.map((a) => (
            <option value={a.name} selected={a.name === v.action} title={a.summary}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Params (JSON)
        <textarea name="params" rows={6} cols={60} spellcheck={false}>
          {v.params}
        </textarea>
      </label>
      <label>
        Reason <input name="reason" required maxlength={4000} value={v.reason} />
      </label>
      <label>
        Incident <input name="incident_id" inputmode="numeric" value={v.incidentId} size={8} />
      </label>
      {props.canApprove ? (
        <label>
          <input type="checkbox" name="approve" value="true" /> Approve at once
        </label>
      ) : null}
      <button type="submit" class="primary">
        Propose
      </button>
    </form>
  )
}
