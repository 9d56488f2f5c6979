/**
 * The live feed of incident changes for the dashboard, as Server-Sent Events: one `incident`
 * event (id, status, kind) per change on the bus. The pages re-read their live parts on each,
 * so the feed carries no incident content.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { streamBusFeed } from '../http/bus-stream.ts'

/** incidentStreamRoutes is mounted at the root of the app. */
export const incidentStreamRoutes = new Hono<AppEnv>().get(
  '/dashboard/incidents/stream',
  requires('incidents:read'),
  async (c) => {
    await auditRead(c, 'incidents.stream')
    const { bus, incidents } = c.var.deps
    return streamBusFeed(c, {
      event: 'incident',
      subscribe: (push) =>
        bus.subscribe('incidents', ({ incident, kind }) =>
          push({ id: incident.id, status: incident.status, kind }),
        ),
      track: (close) => incidents.trackStream(close),
    })
  },
)
