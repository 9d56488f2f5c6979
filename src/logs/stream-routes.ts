/**
 * The live tail of one service, as Server-Sent Events and as a WebSocket. Both read a bounded
 * `Tail`: a slow client gets "dropped N" instead of slowing ingest, and quiet streams get a
 * heartbeat every few seconds so proxies and Bun's idle timeout keep them open. One audit record
 * per tail session.
 */
import { Hono, type Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { ForbiddenError, ValidationError } from '../errors.ts'
import { parseQuery } from '../http/validate.ts'
import { upgradeWebSocket, type Socket } from '../runtime/index.ts'
import type { LogsMetrics } from './metrics.ts'
import { tailQuery } from './params.ts'
import { pathService, presentLog } from './routes.ts'
import type { Tail } from './tail.ts'

/** heartbeatMs is how long a tail stays silent before it sends a heartbeat. */
export const heartbeatMs = 5000

/** openTail validates the request, audits the session and subscribes. */
async function openTail(c: Context<AppEnv>, transport: string): Promise<Tail> {
  const service = pathService(c.req.param('service') ?? '')
  const q = parseQuery(c, tailQuery)
  const tail = c.var.deps.logs.openTail({ service, ...q.level, search: q.search })
  try {
    await auditRead(c, 'logs.tail', { service, transport, level: c.req.query('level') })
  } catch (err) {
    tail.close()
    throw err
  }
  return tail
}

/** maxBufferedBytes is how much a WebSocket may have unsent before lines are dropped for it. */
const maxBufferedBytes = 1024 * 1024

/** pump sends a tail's lines over a WebSocket until the tail closes. */
async function pump(tail: Tail, socket: Socket, report: LogsMetrics): Promise<void> {
  let owed = 0
  while (!tail.isClosed) {
    const batch = await tail.next(heartbeatMs)
    if (tail.isClosed) break
    if (socket.buffered() > maxBufferedBytes) {
      // The client reads slower than lines arrive: drop here too, and say so once it catches up.
      owed += batch.dropped + batch.lines.length
      report.dropped(batch.lines.length)
      continue
    }
    const dropped = owed + batch.dropped
    owed = 0
    if (dropped) socket.send(JSON.stringify({ type: 'dropped', dropped }))
    for (const line of batch.lines) {
      socket.send(JSON.stringify({ type: 'log', log: presentLog(line) }))
    }
    if (!dropped && batch.lines.length === 0) socket.send(JSON.stringify({ type: 'heartbeat' }))
  }
}

function sameOrigin(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin')
  if (!origin) return true
  try {
    return new URL(origin).host === c.req.header('host')
  } catch {
    return false
  }
}

/** streamRoutes is mounted at the root of the app. */
export const streamRoutes = new Hono<AppEnv>()
  .get('/api/v1/logs/:service/stream', requires('logs:read'), async (c) => {
    const tail = await openTail(c, 'sse')
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => tail.close())
      try {
        await stream.write(': connected\n\n')
        while (!tail.isClosed && !stream.aborted) {
          const batch = await tail.next(heartbeatMs)
          let text = batch.dropped
            ? `event: dropped\ndata: ${JSON.stringify({ dropped: batch.dropped })}\n\n`
            : ''
          for (const line of batch.lines) {
            text += `event: log\ndata: ${JSON.stringify(presentLog(line))}\n\n`
          }
          await stream.write(text || ': heartbeat\n\n')
        }
      } finally {
        tail.close()
      }
    })
  })
  .get('/ws/logs/:service', requires('logs:read'), async (c) => {
    // A browser sends its cookie to any origin's WebSocket: only our own pages may open one.
    if (!sameOrigin(c)) {
      throw new ForbiddenError('WebSocket from another origin', { code: 'cross_origin' })
    }
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new ValidationError('this route speaks WebSocket only', { code: 'websocket_required' })
    }
    const tail = await openTail(c, 'websocket')
    const report = c.var.deps.logsReport
    // A handshake the client abandons never opens: do not keep its tail.
    const abandoned = setTimeout(() => tail.close(), 10_000)
    const res = upgradeWebSocket(c.req.raw, c.env?.upgrade, {
      open(socket) {
        clearTimeout(abandoned)
        tail.onClose(() => {
          try {
            socket.close(1001, 'closing')
          } catch {
            // already closed by the client
          }
        })
        void pump(tail, socket, report)
      },
      close() {
        tail.close()
      },
    })
    if (!res) {
      clearTimeout(abandoned)
      tail.close()
      throw new ValidationError('cannot upgrade to WebSocket here', { code: 'websocket_required' })
    }
    return res
  })
