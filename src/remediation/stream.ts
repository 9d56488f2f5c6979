/**
 * The live feed of remediation task changes for the dashboard, as Server-Sent Events: one `task`
 * event (id, state, phase) per change on the bus topic `tasks`. The pages re-read their live
 * parts on each, so the feed carries no params or output. The incidents service tracks the feed
 * with its own, so shutdown ends both.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { streamBusFeed } from '../http/bus-stream.ts'

/** remediationStreamRoutes is mounted at the root of the app, before the pages. */
export const remediationStreamRoutes = new Hono<AppEnv>().get(
  '/dashboard/remediation/stream',
  requires('remediation:read'),
  async (c) => {
    await auditRead(c, 'remediation.stream')
    const { bus, incidents } = c.var.deps
    return streamBusFeed(c, {
      event: 'task',
      subscribe: (push) =>
        bus.subscribe('tasks', (task) =>
          push({ id: task.id, state: task.state, phase: task.phase, incident: task.incidentId }),
        ),
      track: (close) => incidents.trackStream(close),
    })
  },
)
