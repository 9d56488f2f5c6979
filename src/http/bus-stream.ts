/**
 * The loop behind the dashboard's live feeds (incidents, remediation tasks): Server-Sent Events
 * of one name, one per change a subscription reports, with a heartbeat when quiet (Bun closes an
 * idle response after 10 s, proxies too) and a bounded queue, so a slow client just gets fewer
 * events. `track` registers how to end the feed at shutdown.
 */
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'

/** heartbeatMs is how long a feed stays silent before it sends a heartbeat. */
export const heartbeatMs = 5000
const maxQueue = 100

/** BusFeed says what one feed sends and how it hears of changes. */
export interface BusFeed {
  /** The SSE event name of every change. */
  event: string
  /** subscribe calls `push` with each change's data; it returns how to unsubscribe. */
  subscribe(push: (data: unknown) => void): () => void
  /** track registers `close` to be called at shutdown; it returns how to forget it. */
  track(close: () => void): () => void
}

/** streamBusFeed answers the request with the feed, until the client goes or the server stops. */
export function streamBusFeed(c: Context, feed: BusFeed) {
  return streamSSE(c, async (stream) => {
    let queue: string[] = []
    let wake: (() => void) | undefined
    let closed = false
    const untrack = feed.track(() => {
      closed = true
      wake?.()
    })
    const unsubscribe = feed.subscribe((data) => {
      if (queue.length < maxQueue) queue.push(JSON.stringify(data))
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
        const text = queue.map((data) => `event: ${feed.event}\ndata: ${data}\n\n`).join('')
        queue = []
        await stream.write(text || ': heartbeat\n\n')
      }
    } finally {
      unsubscribe()
      untrack()
    }
  })
}
