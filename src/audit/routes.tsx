/** @jsxImportSource hono/jsx */
/** The audit trail over HTTP: the JSON API and the Audit page, both `audit:read`. */
import { Hono } from 'hono'
import { z } from 'zod'
import { AuditPage, AuditRows, ChainStatus } from '../../views/pages/audit.tsx'
import type { AppEnv } from '../app-env.ts'
import { requires } from '../auth/guard.ts'
import { renderPage } from '../dashboard/render.tsx'
import { cursor, instant, limit } from '../http/params.ts'
import { parseQuery } from '../http/validate.ts'
import { auditRead } from './record.ts'
import type { AuditEntry, AuditFilter } from './types.ts'

const query = z.object({
  actor: z.string().max(200).optional(),
  action: z.string().max(200).optional(),
  since: instant.optional(),
  until: instant.optional(),
  limit: limit(100, 1000),
  cursor: cursor.optional(),
})

function toJson(e: AuditEntry) {
  return {
    seq: e.seq,
    time: new Date(e.ts).toISOString(),
    actor: e.actor,
    actor_type: e.actorType,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    request_id: e.requestId,
    client_address: e.clientAddress,
    details: e.details,
    hash: e.hash,
  }
}

function filterOf(q: z.output<typeof query>): AuditFilter {
  return {
    actor: q.actor || undefined,
    action: q.action || undefined,
    since: q.since,
    until: q.until,
    limit: q.limit,
    cursor: q.cursor,
  }
}

/** auditRoutes is mounted at the root of the app. */
export const auditRoutes = new Hono<AppEnv>()
  .get('/api/v1/audit', requires('audit:read'), async (c) => {
    const q = parseQuery(c, query)
    const page = await c.var.deps.audit.list(filterOf(q))
    await auditRead(c, 'audit.read', { filter: c.req.query() })
    return c.json({
      entries: page.entries.map(toJson),
      has_more: page.nextCursor !== undefined,
      next_cursor: page.nextCursor === undefined ? null : String(page.nextCursor),
    })
  })
  .get('/dashboard/audit', requires('audit:read'), async (c) => {
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''))
    const parsed = query.safeParse(raw)
    const error = parsed.success
      ? undefined
      : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    const q = parsed.success ? parsed.data : query.parse({})
    const page = await c.var.deps.audit.list(filterOf(q))
    await auditRead(c, 'audit.read', { filter: raw, via: 'dashboard' })
    if (c.req.header('hx-request') === 'true' && c.req.query('cursor')) {
      return c.html(<AuditRows entries={page.entries} nextCursor={page.nextCursor} query={raw} />)
    }
    return renderPage(c, {
      title: 'Audit',
      active: 'audit',
      content: (
        <AuditPage entries={page.entries} nextCursor={page.nextCursor} query={raw} error={error} />
      ),
    })
  })
  .get('/partials/audit/verify', requires('audit:read'), async (c) => {
    const verdict = await c.var.deps.audit.verify()
    return c.html(<ChainStatus verdict={verdict} />)
  })
