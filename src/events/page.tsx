/** @jsxImportSource hono/jsx */
/**
 * The Events page route: one bounded page of 100 events per request. "Load older" asks with
 * `HX-Request` and a cursor and gets only the next items.
 */
import { Hono } from 'hono'
import { EventsPage, eventsUrl, type EventsView } from '../../views/pages/events.tsx'
import { rangePresets } from '../../views/partials/range-select.tsx'
import { EventItems } from '../../views/partials/event-items.tsx'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { renderPage } from '../dashboard/render.tsx'
import { ValidationError } from '../errors.ts'
import { parseDuration } from '../units.ts'
import { severities, type EventPage } from './types.ts'
import { pageWindow } from '../http/page-cursor.ts'

/** pageSize is how many events one page shows. */
const pageSize = 100

/** eventsPageRoutes is mounted at the root of the app. */
export const eventsPageRoutes = new Hono<AppEnv>().get(
  '/dashboard/events',
  requires('events:read'),
  async (c) => {
    const q = c.req.query()
    const severity = severities.find((s) => s === q.severity)
    const view: EventsView = {
      source: (q.source ?? '').trim().slice(0, 128),
      kind: (q.kind ?? '').trim().slice(0, 128),
      severity: severity ?? '',
      since: rangePresets.find((r) => r === q.since) ?? '24h',
    }
    const { start: since, cursor } = pageWindow(
      q,
      parseDuration(view.since) ?? 86_400_000,
      c.var.deps.now(),
    )
    let page: EventPage = { events: [], has_more: false, next_cursor: null }
    let error: string | undefined
    try {
      page = await c.var.deps.events.query({
        source: view.source || undefined,
        kind: view.kind || undefined,
        severity,
        since,
        limit: pageSize,
        cursor,
      })
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err
      error = err.message
    }
    await auditRead(c, 'events.query', {
      source: view.source || undefined,
      kind: view.kind || undefined,
      severity,
      since,
      cursor: cursor !== undefined,
      returned: page.events.length,
      via: 'dashboard',
    })
    const status = error ? 400 : 200
    const nextUrl = page.next_cursor
      ? eventsUrl(view, { start: String(since), cursor: page.next_cursor })
      : undefined
    if (c.req.header('hx-request') === 'true' && cursor !== undefined) {
      return c.html(<EventItems events={page.events} nextUrl={nextUrl} error={error} />, status)
    }
    return renderPage(
      c,
      {
        title: 'Events',
        active: 'events',
        content: <EventsPage view={view} events={page.events} nextUrl={nextUrl} error={error} />,
      },
      status,
    )
  },
)
