/**
 * The incident and silence API: list and read (`incidents:read`), acknowledge, resolve, notes,
 * open by hand and silences (`incidents:write`). Every change is audited with the actor.
 */
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { auditRead, auditRequest } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { NotFoundError } from '../errors.ts'
import { pageOf, readCursor } from '../http/page-cursor.ts'
import { parseJson, parseQuery, parseText } from '../http/validate.ts'
import { presentDelivery } from '../notify/index.ts'
import { actInput, incidentId, listQuery, manualInput, noteInput } from './params.ts'
import { presentEntry, presentIncident, presentSilence } from './present.ts'
import { silenceInput } from './silences.ts'
import { maxIncidentId, selectIncidents } from './store.ts'
import type { Incident } from './types.ts'

function pathId(c: Context<AppEnv>, what: string): number {
  const id = incidentId(c.req.param('id'))
  if (id === undefined) throw new NotFoundError(`no ${what} ${c.req.param('id')}`)
  return id
}

/** actor is who the timeline and audit name for this request. */
export function actor(c: Context<AppEnv>): string {
  return c.var.principal?.name ?? 'anonymous'
}

/** listIncidents reads one page of incidents for a validated query. */
export async function listIncidents(c: Context<AppEnv>, q: ReturnType<typeof listQuery.parse>) {
  const { client } = c.var.deps.incidents
  const cursor = readCursor(q.cursor)
  const snapshot = cursor?.snapshot ?? (await maxIncidentId(client))
  const rows = await selectIncidents(client, {
    status: q.status,
    severity: q.severity,
    rule: q.rule,
    snapshot,
    after: cursor,
    limit: q.limit + 1,
  })
  const page = pageOf(
    rows.map((i) => Object.assign(i, { ts: i.id })),
    q.limit,
    snapshot,
  )
  return {
    incidents: page.rows as Incident[],
    has_more: page.has_more,
    next_cursor: page.next_cursor,
  }
}

/** incidentRoutes is mounted at the root of the app. */
export const incidentRoutes = new Hono<AppEnv>()
  .get('/api/v1/incidents', requires('incidents:read'), async (c) => {
    const q = parseQuery(c, listQuery)
    const page = await listIncidents(c, q)
    await auditRead(c, 'incidents.query', {
      status: q.status,
      severity: q.severity,
      rule: q.rule,
      returned: page.incidents.length,
    })
    return c.json({ ...page, incidents: page.incidents.map(presentIncident) })
  })
  .post('/api/v1/incidents', requires('incidents:write'), async (c) => {
    const input = await parseJson(c, manualInput)
    const incident = await c.var.deps.incidents.openManual(input, actor(c))
    await auditRequest(c, {
      action: 'incident.open',
      target: String(incident.id),
      details: { title: incident.title, severity: incident.severity },
    })
    return c.json({ incident: presentIncident(incident) }, 201)
  })
  .get('/api/v1/incidents/:id', requires('incidents:read'), async (c) => {
    const { incidents } = c.var.deps
    const id = pathId(c, 'incident')
    const incident = await incidents.get(id)
    const [timeline, deliveries] = await Promise.all([
      incidents.timeline(id),
      incidents.deliveries(id),
    ])
    await auditRead(c, 'incidents.read', { id })
    return c.json({
      incident: presentIncident(incident),
      timeline: timeline.map(presentEntry),
      deliveries: deliveries.map(presentDelivery),
    })
  })
  .post('/api/v1/incidents/:id/ack', requires('incidents:write'), async (c) =>
    act(c, 'acknowledge'),
  )
  .post('/api/v1/incidents/:id/resolve', requires('incidents:write'), async (c) =>
    act(c, 'resolve'),
  )
  .post('/api/v1/incidents/:id/notes', requires('incidents:write'), async (c) => {
    const id = pathId(c, 'incident')
    const { text } = await parseJson(c, noteInput)
    const incident = await c.var.deps.incidents.addNote(id, actor(c), text)
    await auditRequest(c, { action: 'incident.note', target: String(id), details: { text } })
    return c.json({ incident: presentIncident(incident) }, 201)
  })
  .get('/api/v1/silences', requires('incidents:read'), async (c) => {
    const list = await c.var.deps.silences.list()
    await auditRead(c, 'silences.query', { returned: list.length })
    return c.json({ silences: list.map(presentSilence) })
  })
  .post('/api/v1/silences', requires('incidents:write'), async (c) => {
    const input = await parseJson(c, silenceInput)
    const silence = await c.var.deps.silences.create(input, actor(c))
    await auditRequest(c, {
      action: 'silence.create',
      target: String(silence.id),
      details: { matchers: silence.matchers, comment: silence.comment, ends_at: silence.endsAt },
    })
    return c.json({ silence: presentSilence(silence) }, 201)
  })
  .delete('/api/v1/silences/:id', requires('incidents:write'), async (c) => {
    const silence = await c.var.deps.silences.expire(pathId(c, 'silence'), actor(c))
    await auditRequest(c, { action: 'silence.expire', target: String(silence.id) })
    return c.json({ silence: presentSilence(silence) })
  })

async function act(c: Context<AppEnv>, action: 'acknowledge' | 'resolve') {
  const id = pathId(c, 'incident')
  // The body is optional: `{"note": "..."}` or nothing at all.
  const text = await c.req.text()
  const { note } = text.trim() ? parseText(text, actInput) : { note: undefined }
  const incident = await c.var.deps.incidents.act(id, action, actor(c), note)
  await auditRequest(c, { action: `incident.${action}`, target: String(id), details: { note } })
  return c.json({ incident: presentIncident(incident) })
}
