/**
 * Channels and the delivery log over HTTP. Channels are routing configuration, like policies:
 * reading them needs `policies:read`, changing or testing them `policies:write`. The delivery
 * log belongs to incidents and needs `incidents:read`. Secrets are never returned.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { auditRead, auditRequest } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { NotFoundError, ValidationError } from '../errors.ts'
import { limit } from '../http/params.ts'
import { parseJson, parseQuery } from '../http/validate.ts'
import { channelBody } from './directory.ts'
import { channelName } from './file.ts'
import type { Delivery, OutboxRow } from './outbox-store.ts'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

/** presentRow is an outbox row as the API shows it. */
export function presentRow(r: OutboxRow) {
  return {
    id: r.id,
    key: r.key,
    incident_id: r.incidentId,
    event: r.event,
    channel: r.channel,
    status: r.status,
    attempts: r.attempts,
    created_at: iso(r.createdAt),
    next_attempt_at: r.status === 'pending' ? iso(r.nextAttemptAt) : null,
    delivered_at: iso(r.deliveredAt),
    last_status: r.lastStatus,
    last_error: r.lastError,
  }
}

/** presentDelivery is a row with its attempts. */
export function presentDelivery(d: Delivery) {
  return {
    ...presentRow(d),
    log: d.log.map((a) => ({
      attempt: a.attempt,
      started_at: iso(a.startedAt),
      duration_ms: a.durationMs,
      outcome: a.outcome,
      status: a.status,
      error: a.error,
    })),
  }
}

function pathName(name: string): string {
  const parsed = channelName.safeParse(name)
  if (!parsed.success) throw new NotFoundError(`no channel ${name.slice(0, 64)}`)
  return parsed.data
}

const deliveriesQuery = z.object({
  incident: z.string().min(1, { error: 'must name an incident' }).max(128),
  limit: limit(500, 5000),
})

/** notifyRoutes is mounted at the root of the app. */
export const notifyRoutes = new Hono<AppEnv>()
  .get('/api/v1/channels', requires('policies:read'), async (c) => {
    const { directory } = c.var.deps.notifier
    return c.json({ channels: (await directory.all()).map((ch) => directory.present(ch)) })
  })
  .post('/api/v1/channels', requires('policies:write'), async (c) => {
    const body = await parseJson(c, channelBody)
    const name = channelName.safeParse(body.name)
    if (!name.success)
      throw new ValidationError(`body: name: ${name.error.issues[0]!.message}`, {
        details: { issues: [{ path: 'name', message: name.error.issues[0]!.message }] },
      })
    const { directory } = c.var.deps.notifier
    const created = await directory.create(
      { name: name.data, type: body.type, config: body.config, rateLimit: body.rate_limit },
      c.var.principal?.name ?? 'unknown',
    )
    await auditRequest(c, {
      action: 'channel.create',
      target: created.name,
      details: { type: created.type, rate_limit: created.rateLimit },
    })
    return c.json(directory.present(created), 201)
  })
  .get('/api/v1/channels/:name', requires('policies:read'), async (c) => {
    const { directory } = c.var.deps.notifier
    const channel = await directory.get(pathName(c.req.param('name')))
    if (!channel) throw new NotFoundError(`no channel ${c.req.param('name')}`)
    return c.json(directory.present(channel))
  })
  .put('/api/v1/channels/:name', requires('policies:write'), async (c) => {
    const name = pathName(c.req.param('name'))
    const body = await parseJson(c, channelBody)
    if (body.name !== undefined && body.name !== name)
      throw new ValidationError('body: name: channels cannot be renamed; create a new one')
    const { directory } = c.var.deps.notifier
    const updated = await directory.update({
      name,
      type: body.type,
      config: body.config,
      rateLimit: body.rate_limit,
    })
    await auditRequest(c, {
      action: 'channel.update',
      target: name,
      details: { type: updated.type, rate_limit: updated.rateLimit },
    })
    return c.json(directory.present(updated))
  })
  .delete('/api/v1/channels/:name', requires('policies:write'), async (c) => {
    const name = pathName(c.req.param('name'))
    await c.var.deps.notifier.directory.remove(name)
    await auditRequest(c, { action: 'channel.delete', target: name })
    return c.body(null, 204)
  })
  .post('/api/v1/channels/:name/test', requires('policies:write'), async (c) => {
    const name = pathName(c.req.param('name'))
    const row = await c.var.deps.notifier.test(name)
    await auditRequest(c, {
      action: 'channel.test',
      target: name,
      outcome: row.status === 'failed' ? 'failure' : 'success',
      details: { key: row.key, status: row.status, last_status: row.lastStatus },
    })
    return c.json(presentRow(row))
  })
  .get('/api/v1/notifications', requires('incidents:read'), async (c) => {
    const q = parseQuery(c, deliveriesQuery)
    const list = await c.var.deps.notifier.deliveries(q.incident, q.limit)
    await auditRead(c, 'notifications.query', { incident: q.incident, returned: list.length })
    return c.json({ notifications: list.map(presentDelivery) })
  })
