/** @jsxImportSource hono/jsx */
/**
 * The Incidents pages: the live list and one incident, with acknowledge, resolve and notes as
 * plain forms (CSRF field, redirect back; a refused change re-renders the page with the reason).
 */
import { Hono, type Context } from 'hono'
import { IncidentPage, type IncidentPageProps } from '../../views/pages/incident.tsx'
import { IncidentsPage, incidentsUrl, type IncidentsView } from '../../views/pages/incidents.tsx'
import type { AppEnv } from '../app-env.ts'
import { findingById } from '../drift/findings-store.ts'
import { auditRead, auditRequest } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { grants } from '../auth/permissions.ts'
import { renderPage } from '../dashboard/render.tsx'
import { AppError, NotFoundError, ValidationError } from '../errors.ts'
import { actionChoices } from '../remediation/page.tsx'
import { suggestForIncident } from '../remediation/suggest.ts'
import { incidentId, listQuery, noteInput } from './params.ts'
import { actor, listIncidents } from './routes.ts'
import type { Incident } from './types.ts'

/** canWrite tells whether the caller may change incidents. */
export function canWrite(c: Context<AppEnv>): boolean {
  return grants(c.var.principal?.permissions ?? [], 'incidents:write')
}

function pathId(c: Context<AppEnv>): number {
  const id = incidentId(c.req.param('id'))
  if (id === undefined) throw new NotFoundError(`no incident ${c.req.param('id')}`)
  return id
}

/** remediationOf is the incident's tasks and a prefilled propose form, as far as the caller may. */
async function remediationOf(c: Context<AppEnv>, incident: Incident) {
  const held = c.var.principal?.permissions ?? []
  if (!grants(held, 'remediation:read')) return undefined
  const tasks = await c.var.deps.remediation.service.store.list({
    incidentId: incident.id,
    limit: 50,
  })
  if (!grants(held, 'remediation:execute')) return { tasks }
  const s = suggestForIncident(incident.labels)
  const values = {
    action: s.action,
    params: JSON.stringify(s.params, null, 2),
    reason: `incident #${incident.id}: ${incident.title}`.slice(0, 4000),
    incidentId: String(incident.id),
    note: s.note,
  }
  return { tasks, propose: { actions: actionChoices(c), values } }
}

async function detail(
  c: Context<AppEnv>,
  id: number,
  flash?: IncidentPageProps['flash'],
  status: 200 | 400 | 409 = 200,
) {
  const { incidents } = c.var.deps
  const incident = await incidents.get(id)
  const [timeline, deliveries] = await Promise.all([
    incidents.timeline(id),
    incidents.deliveries(id),
  ])
  const ids = incident.source.kind === 'drift' ? (incident.source.ids ?? []).slice(0, 20) : []
  const findings = (
    await Promise.all(ids.map((fid) => findingById(c.var.deps.db.client, fid)))
  ).filter((f) => f !== undefined)
  const props: IncidentPageProps = {
    remediation: await remediationOf(c, incident),
    incident,
    timeline,
    deliveries,
    canWrite: canWrite(c),
    csrfToken: c.var.principal?.csrfToken,
    flash,
    findings,
    now: c.var.deps.now(),
  }
  // An expression's incident shows its chart, drawn as on the Metrics page.
  const chart = incident.source.kind === 'metrics'
  const assets = chart
    ? (['uPlot.min.css', 'uPlot.iife.min.js', 'overlay.js', 'metrics.js', 'incidents.js'] as const)
    : (['incidents.js'] as const)
  return renderPage(
    c,
    {
      title: incident.title,
      active: 'incidents',
      content: <IncidentPage {...props} />,
      assets: [...assets],
    },
    status,
  )
}

/** change runs a form's change and goes back to the incident, or shows why it was refused. */
function change(
  action: string,
  run: (c: Context<AppEnv>, id: number, form: Record<string, unknown>) => Promise<unknown>,
) {
  return async (c: Context<AppEnv>) => {
    const id = pathId(c)
    const form = (await c.req.parseBody()) as Record<string, unknown>
    try {
      await run(c, id, form)
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 409 && err.status !== 400)) throw err
      return detail(c, id, { kind: 'error', text: err.message }, err.status)
    }
    await auditRequest(c, { action, target: String(id), details: { via: 'dashboard' } })
    return c.redirect(`/dashboard/incidents/${id}`, 303)
  }
}

const text = (form: Record<string, unknown>, name: string) =>
  typeof form[name] === 'string' ? (form[name] as string) : ''

/** incidentPageRoutes is mounted at the root of the app. */
export const incidentPageRoutes = new Hono<AppEnv>()
  .get('/dashboard/incidents', requires('incidents:read'), async (c) => {
    const q = c.req.query()
    const parsed = listQuery.safeParse({
      status: q.status || undefined,
      severity: q.severity || undefined,
      rule: q.rule?.trim() || undefined,
      cursor: q.cursor || undefined,
      limit: 100,
    })
    const query = parsed.success ? parsed.data : listQuery.parse({ limit: 100 })
    const view: IncidentsView = {
      status: query.status ?? '',
      severity: query.severity ?? '',
      rule: query.rule ?? '',
    }
    const page = await listIncidents(c, query)
    await auditRead(c, 'incidents.query', {
      ...view,
      returned: page.incidents.length,
      via: 'dashboard',
    })
    const nextUrl = page.next_cursor ? incidentsUrl(view, { cursor: page.next_cursor }) : undefined
    return renderPage(c, {
      title: 'Incidents',
      active: 'incidents',
      content: <IncidentsPage view={view} incidents={page.incidents} nextUrl={nextUrl} />,
      assets: ['incidents.js'],
    })
  })
  .get('/dashboard/incidents/:id', requires('incidents:read'), async (c) => {
    const id = pathId(c)
    await auditRead(c, 'incidents.read', { id, via: 'dashboard' })
    return detail(c, id)
  })
  .post(
    '/dashboard/incidents/:id/ack',
    requires('incidents:write'),
    change('incident.acknowledge', (c, id) =>
      c.var.deps.incidents.act(id, 'acknowledge', actor(c)),
    ),
  )
  .post(
    '/dashboard/incidents/:id/resolve',
    requires('incidents:write'),
    change('incident.resolve', (c, id) => c.var.deps.incidents.act(id, 'resolve', actor(c))),
  )
  .post(
    '/dashboard/incidents/:id/notes',
    requires('incidents:write'),
    change('incident.note', (c, id, form) => {
      const parsed = noteInput.safeParse({ text: text(form, 'text') })
      if (!parsed.success) throw new ValidationError('the note must not be empty')
      return c.var.deps.incidents.addNote(id, actor(c), parsed.data.text)
    }),
  )
