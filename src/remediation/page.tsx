/** @jsxImportSource hono/jsx */
/**
 * The Remediation pages: the queue and one task, with approve / reject / cancel and "propose a
 * task" as plain forms (CSRF field, redirect on success; a refused decision or a bad proposal
 * re-renders the page with the reason). The decisions and proposals go through the same code as
 * the API (`decide`, `proposeTask`), so they are checked and audited the same way.
 */
import { Hono, type Context } from 'hono'
import { RemediationPage, remediationUrl } from '../../views/pages/remediation.tsx'
import { TaskPage } from '../../views/pages/remediation-task.tsx'
import type { ProposeValues, TaskCan } from '../../views/partials/task-rows.tsx'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { grants } from '../auth/permissions.ts'
import { renderPage } from '../dashboard/render.tsx'
import { AppError, NotFoundError } from '../errors.ts'
import { createInput, listQuery, taskId } from './params.ts'
import { decide, listTasks, proposeTask } from './routes.ts'
import { finalStates } from './types.ts'

type Flash = { kind: 'ok' | 'error'; text: string }
type Status = 200 | 400 | 404 | 409

/** canOf says which decisions the caller may take. */
export function canOf(c: Context<AppEnv>): TaskCan {
  const held = c.var.principal?.permissions ?? []
  return {
    approve: grants(held, 'remediation:approve'),
    execute: grants(held, 'remediation:execute'),
  }
}

/** actionChoices lists the registered actions for the propose forms. */
export function actionChoices(c: Context<AppEnv>) {
  const { service } = c.var.deps.remediation
  return service.actionNames().map((name) => ({ name, summary: service.action(name)!.summary }))
}

const emptyProposal: ProposeValues = {
  action: 'restart_pod',
  params: '{}',
  reason: '',
  incidentId: '',
}

async function queue(
  c: Context<AppEnv>,
  extra: { flash?: Flash; values?: ProposeValues; error?: string } = {},
  status: Status = 200,
) {
  const { store } = c.var.deps.remediation.service
  const q = c.req.query()
  const state = finalStates.find((s) => s === q.state) ?? ''
  const cursor = q.cursor ? q.cursor.slice(0, 100) : undefined
  const first = cursor === undefined
  const [awaiting, active, finished] = await Promise.all([
    first ? store.list({ states: ['pending', 'awaiting_approval'], limit: 200 }) : [],
    first ? store.list({ states: ['approved', 'running'], limit: 200 }) : [],
    listTasks(c, listQuery.parse({ state: state || finalStates.join(','), cursor, limit: 50 })),
  ])
  await auditRead(c, 'remediation.query', {
    state: state || undefined,
    returned: awaiting.length + active.length + finished.tasks.length,
    via: 'dashboard',
  })
  const can = canOf(c)
  const nextUrl = finished.next_cursor ? remediationUrl(state, finished.next_cursor) : undefined
  return renderPage(
    c,
    {
      title: 'Remediation',
      active: 'remediation',
      assets: ['incidents.js'],
      content: (
        <RemediationPage
          awaiting={awaiting}
          active={active}
          finished={finished.tasks}
          state={state}
          nextUrl={nextUrl}
          can={can}
          csrfToken={c.var.principal?.csrfToken}
          now={c.var.deps.now()}
          flash={extra.flash}
          propose={
            can.execute
              ? {
                  actions: actionChoices(c),
                  values: extra.values ?? emptyProposal,
                  error: extra.error,
                }
              : undefined
          }
        />
      ),
    },
    status,
  )
}

function pathId(c: Context<AppEnv>): number {
  const id = taskId(c.req.param('id'))
  if (id === undefined) throw new NotFoundError(`no remediation task ${c.req.param('id')}`)
  return id
}

async function detail(c: Context<AppEnv>, id: number, flash?: Flash, status: Status = 200) {
  const task = await c.var.deps.remediation.service.get(id)
  return renderPage(
    c,
    {
      title: `Task #${task.id}`,
      active: 'remediation',
      assets: ['incidents.js'],
      content: (
        <TaskPage task={task} can={canOf(c)} csrfToken={c.var.principal?.csrfToken} flash={flash} />
      ),
    },
    status,
  )
}

const field = (form: Record<string, unknown>, name: string) =>
  typeof form[name] === 'string' ? (form[name] as string) : ''

/** decision runs approve / reject / cancel from a form and goes back, or shows why not. */
function decision(verb: 'approve' | 'reject' | 'cancel') {
  return async (c: Context<AppEnv>) => {
    const id = pathId(c)
    const form = (await c.req.parseBody()) as Record<string, unknown>
    const back = field(form, 'back') === 'queue' ? 'queue' : 'task'
    const comment = field(form, 'comment').trim().slice(0, 4000) || null
    try {
      await decide(c, verb, comment)
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 409 && err.status !== 400)) throw err
      const flash: Flash = { kind: 'error', text: err.message }
      return back === 'queue' ? queue(c, { flash }, err.status) : detail(c, id, flash, err.status)
    }
    return c.redirect(
      back === 'queue' ? '/dashboard/remediation' : `/dashboard/remediation/${id}`,
      303,
    )
  }
}

/** readProposal turns the propose form into the API's input, or says what is wrong with it. */
function readProposal(form: Record<string, unknown>) {
  const values: ProposeValues = {
    action: field(form, 'action'),
    params: field(form, 'params'),
    reason: field(form, 'reason'),
    incidentId: field(form, 'incident_id').trim(),
  }
  let params: unknown = {}
  if (values.params.trim() !== '') {
    try {
      params = JSON.parse(values.params)
    } catch (err) {
      return { values, error: `params: not JSON (${(err as Error).message})` }
    }
  }
  const parsed = createInput.safeParse({
    action: values.action,
    params,
    reason: values.reason,
    incident_id: values.incidentId === '' ? undefined : Number(values.incidentId),
    approve: field(form, 'approve') === 'true',
  })
  if (!parsed.success)
    return {
      values,
      error: parsed.error.issues
        .map((i) => `${i.path.join('.') || 'form'}: ${i.message}`)
        .join('; '),
    }
  return { values, input: parsed.data }
}

/** remediationPageRoutes is mounted at the root of the app, after the stream. */
export const remediationPageRoutes = new Hono<AppEnv>()
  .get('/dashboard/remediation', requires('remediation:read'), (c) => queue(c))
  .post('/dashboard/remediation/propose', requires('remediation:execute'), async (c) => {
    const { values, input, error } = readProposal(
      (await c.req.parseBody()) as Record<string, unknown>,
    )
    if (!input) return queue(c, { values, error }, 400)
    try {
      const { task } = await proposeTask(c, input)
      return c.redirect(`/dashboard/remediation/${task.id}`, 303)
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err
      return queue(c, { values, error: err.message }, 400)
    }
  })
  .get('/dashboard/remediation/:id', requires('remediation:read'), async (c) => {
    const id = pathId(c)
    await auditRead(c, 'remediation.read', { id, via: 'dashboard' })
    return detail(c, id)
  })
  .post('/dashboard/remediation/:id/approve', requires('remediation:approve'), decision('approve'))
  .post('/dashboard/remediation/:id/reject', requires('remediation:approve'), decision('reject'))
  .post('/dashboard/remediation/:id/cancel', requires('remediation:execute'), decision('cancel'))
