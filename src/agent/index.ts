/**
 * The host agent (`vigil agent`): every interval it reads the node's /proc (and, optionally, the
 * cgroup v2 tree of its Kubernetes pods) under a root directory, turns the figures into
 * node_exporter-named counters and gauges with a `host` label, and queues the collection as one
 * gzip batch for the sender, which posts the batches in order to vigil's native ingest API and
 * keeps them (bounded, in memory and on disk) while the server cannot take them. `startAgent`
 * never touches signals: the command decides when to `stop`.
 */
import { gzipSync } from 'node:zlib'
import type { Logger } from '../obs/logger.ts'
import { serve, type Server } from '../runtime/index.ts'
import { BatchQueue } from './buffer.ts'
import { collect, type Collection } from './collect.ts'
import { Sender } from './sender.ts'
import { newStats, renderMetrics, type AgentStats } from './stats.ts'

export { collect } from './collect.ts'

/** AgentOptions is everything `vigil agent` is told. */
export interface AgentOptions {
  server: string
  token?: string
  intervalMs: number
  root: string
  cgroup: boolean
  /** host overrides the `host` label. */
  host?: string
  bufferDir?: string
  bufferMaxBytes: number
  /** listen serves /healthz and /metrics when set. */
  listen?: { hostname: string; port: number }
  /** flushTimeoutMs bounds the final send on stop (5 s). */
  flushTimeoutMs?: number
  minBackoffMs?: number
  maxBackoffMs?: number
  logger: Logger
}

/** RunningAgent is a started agent. */
export interface RunningAgent {
  stats: AgentStats
  queue: BatchQueue
  /** port is the health listener's port, when there is one. */
  port?: number
  /** collectNow runs one collection and queues it. */
  collectNow(): Collection
  /** stop ends collection, flushes and persists; resolves with the batches left on disk. */
  stop(reason: string): Promise<number>
}

/** encodeBatch is the ingest body of a collection: `{"samples":[...]}`, gzip-compressed. */
export const encodeBatch = (c: Collection): Uint8Array<ArrayBuffer> =>
  new Uint8Array(gzipSync(JSON.stringify({ samples: c.samples })))

/** startAgent loads the on-disk buffer, starts sending it, then collects every interval. */
export async function startAgent(o: AgentOptions): Promise<RunningAgent> {
  const { logger } = o
  const stats = newStats()
  const queue = new BatchQueue({
    dir: o.bufferDir,
    maxBytes: o.bufferMaxBytes,
    onDrop: (b) => {
      stats.droppedBatches++
      logger.warn('buffer full, oldest batch dropped', { samples: b.samples })
    },
    onError: (message) => logger.warn(message),
  })
  const loaded = queue.load()
  if (loaded > 0) logger.info('buffered batches found', { batches: loaded, bytes: queue.bytes })
  const sender = new Sender({
    server: o.server,
    token: o.token,
    queue,
    stats,
    logger,
    minBackoffMs: o.minBackoffMs,
    maxBackoffMs: o.maxBackoffMs,
  })
  sender.start()

  let reportedErrors = ''
  const collectNow = () => {
    const started = performance.now()
    const c = collect({ root: o.root, cgroup: o.cgroup, host: o.host })
    stats.collectDurationSeconds = (performance.now() - started) / 1000
    stats.collections++
    stats.lastCollectAt = Date.now()
    const errors = c.errors.join('; ')
    if (errors !== reportedErrors) {
      if (errors) logger.warn('some files could not be read', { errors: c.errors })
      reportedErrors = errors
    }
    queue.push(encodeBatch(c), c.samples.length)
    sender.notify()
    return c
  }
  const first = collectNow()
  logger.info('agent started', {
    server: o.server,
    host: first.host,
    interval_ms: o.intervalMs,
    samples: first.samples.length,
  })
  const timer = setInterval(collectNow, o.intervalMs)

  let server: Server | undefined
  if (o.listen) {
    server = serve({
      ...o.listen,
      maxRequestBodySize: 1024,
      fetch: (req) => {
        const path = new URL(req.url).pathname
        if (path === '/healthz') {
          const late =
            stats.lastCollectAt === undefined || Date.now() - stats.lastCollectAt > 3 * o.intervalMs
          return Response.json(
            {
              status: late ? 'fail' : 'ok',
              last_collect: stats.lastCollectAt ? new Date(stats.lastCollectAt) : null,
              last_sent: stats.lastSentAt ? new Date(stats.lastSentAt) : null,
              buffer_batches: queue.length,
            },
            { status: late ? 503 : 200 },
          )
        }
        if (path === '/metrics')
          return new Response(renderMetrics(stats, { batches: queue.length, bytes: queue.bytes }), {
            headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
          })
        return new Response('not found\n', { status: 404 })
      },
    })
    logger.info('listening', { port: server.port, hostname: server.hostname })
  }

  return {
    stats,
    queue,
    port: server?.port,
    collectNow,
    async stop(reason) {
      clearInterval(timer)
      const left = await sender.flush(o.flushTimeoutMs ?? 5000)
      await server?.stop()
      logger.info('agent stopped', { reason, sent: stats.samplesSent, left_on_disk: left })
      return left
    },
  }
}
