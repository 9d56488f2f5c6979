/**
 * The live feed of incident changes for the dashboard, as Server-Sent Events: one `incident`
 * event (id, status, kind) per change on the bus. The pages re-read their live parts on each,
 * so the feed carries no incident content. Quiet streams get a heartbeat so Bun's idle timeout
 * and proxies keep them open; the queue is bounded and a slow client just gets fewer events.
 */
import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'

/** heartbeatMs is how long the feed stays silent before it sends a heartbeat. */
export const heartbeatMs = 5000
const maxQueue = 100

/** incidentStreamRoutes is mounted at the root of the app. */
export const incidentStreamRoutes = new Hono<AppEnv>().get(
  '/dashboard/incidents/stream',
  requires('incidents:read'),
  async (c) => {
    await auditRead(c, 'incidents.stream')
    const { bus, incidents } = c.var.deps
    return streamSSE(c, async (stream) => {
      let queue: string[] = []
      let wake: (() => void) | undefined
      let closed = false
      const untrack = incidents.trackStream(() => {
        closed = true
        wake?.()
      })
      const unsubscribe = bus.subscribe('incidents', ({ incident, kind }) => {
        if (queue.length < maxQueue)
          queue.push(JSON.stringify({ id: incident.id, status: incident.status, kind }))
        wake?.()
      })
      stream.onAbort(() => {
        unsubscribe()
        wake?.()
      })
      try {
        await stream.write(': connected\n\n')
        while (!stream.aborted && !closed) {
          if (queue.length === 0) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(done, heartbeatMs)
              function done() {
                clearTimeout(timer)
                resolve()
              }
              wake = done
            })
            wake = undefined
          }
          if (stream.aborted || closed) break
          const text = queue.map((data) => `event: incident\ndata: ${data}\n\n`).join('')
          queue = []
          await stream.write(text || ': heartbeat\n\n')
        }
      } finally {
        unsubscribe()
        untrack()
      }
    })
  },
)
