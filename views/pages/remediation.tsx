/** @jsxImportSource hono/jsx */
/**
 * The Remediation queue: tasks awaiting approval first (with the decisions the principal may
 * take), then approved and running ones, then finished ones newest first (filtered by state,
 * paged). The tables are marked live: static/incidents.js re-reads them on every task event.
 */
import { finalStates, type Task } from '../../src/remediation/types.ts'
import { FilterChoice, FilterSubmit, filterUrl } from '../partials/filters.tsx'
import { ProposeForm, TaskTable, type ProposeValues, type TaskCan } from '../partials/task-rows.tsx'

/** RemediationPageProps are what the queue shows. */
export interface RemediationPageProps {
  awaiting: Task[]
  active: Task[]
  finished: Task[]
  /** The state filter of the finished list ('' for every final state). */
  state: string
  nextUrl?: string | undefined
  can: TaskCan
  csrfToken: string | undefined
  now: number
  flash?: { kind: 'ok' | 'error'; text: string } | undefined
  /** The propose form, for those with remediation:execute. */
  propose?: {
    actions: { name: string; summary: string }[]
    values: ProposeValues
    error?: string | undefined
  }
}

/** remediationUrl is the queue's URL for a state filter and a cursor. */
export function remediationUrl(state: string, cursor?: string): string {
  return filterUrl('/dashboard/remediation', { state, cursor })
}

/** RemediationPage renders the queue. */
export function RemediationPage(props: RemediationPageProps) {
  const csrf = props.csrfToken ?? ''
  const none = props.awaiting.length + props.active.length + props.finished.length === 0
  return (
    <>
      <h1>Remediation</h1>
      {props.flash ? (
        <p
          class={`flash ${props.flash.kind}`}
          role={props.flash.kind === 'error' ? 'alert' : undefined}
        >
          {props.flash.text}
        </p>
      ) : null}
      <div id="remediation-live" data-stream="/dashboard/remediation/stream">
        {none && !props.state ? (
          <p class="muted" id="no-tasks" data-live="">
            No tasks yet. Tasks come from RemediationPolicies acting on incidents, or from the
            buttons on an incident or a drift finding.
          </p>
        ) : null}
        <section class="panel">
          <h2>Awaiting approval</h2>
          <TaskTable
            id="tasks-awaiting"
            tasks={props.awaiting}
            now={props.now}
            can={props.can}
            csrf={csrf}
            empty="Nothing waits for a decision."
          />
        </section>
        <section class="panel">
          <h2>Approved and running</h2>
          <TaskTable
            id="tasks-active"
            tasks={props.active}
            now={props.now}
            can={props.can}
            csrf={csrf}
            empty="Nothing runs now."
          />
        </section>
        <section class="panel">
          <h2>Finished</h2>
          <form method="get" action="/dashboard/remediation" class="filters">
            <FilterChoice name="state" label="State" value={props.state} options={finalStates} />
            <FilterSubmit />
          </form>
          <TaskTable
            id="tasks-finished"
            tasks={props.finished}
            now={props.now}
            empty="No finished tasks."
          />
          {props.nextUrl ? (
            <p>
              <a href={props.nextUrl} id="tasks-older">
                Older tasks →
              </a>
            </p>
          ) : null}
        </section>
      </div>
      {props.propose ? (
        <details class="panel" open={props.propose.error !== undefined}>
          <summary>Propose a task</summary>
          <ProposeForm
            actions={props.propose.actions}
            values={props.propose.values}
            error={props.propose.error}
            csrf={csrf}
            canApprove={props.can.approve}
          />
        </details>
      ) : null}
    </>
  )
}
