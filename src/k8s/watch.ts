/**
 * One watch request: `GET <collection>?watch=1&resourceVersion=N` read as a stream of JSON lines
 * with our fetch (the client's Watch uses undici, which ignores TLS options under Bun). Resolves
 * when the server ends the stream; throws KubeApiError on an HTTP failure or an ERROR event
 * (`gone` is true for 410 / Expired, when the caller must list again).
 */
import { errorFromStatus, KubeApiError, type KubeStatus } from './errors.ts'
import { collectionPath } from './paths.ts'
import { failure, type Transport } from './transport.ts'
import type { KubeObject, ListOptions, ResourceRef, WatchEventType } from './types.ts'

/** RawWatchEvent is one line of a watch stream. */
export interface RawWatchEvent {
  type: WatchEventType | 'BOOKMARK' | 'ERROR'
  object: KubeObject
}

/** WatchRequest says what to watch from where. */
export interface WatchRequest extends ListOptions {
  resourceVersion: string
  /** timeoutSeconds asks the server to end the stream after this long (it then is re-opened). */
  timeoutSeconds?: number
  signal: AbortSignal
}

const maxLineBytes = 16 * 1024 * 1024

/** watchOnce streams events to `onEvent` until the server ends the watch. */
export async function watchOnce(
  transport: Transport,
  ref: ResourceRef,
  request: WatchRequest,
  onEvent: (event: RawWatchEvent) => void,
): Promise<void> {
  const path = collectionPath(ref)
  const res = await transport.send({
    path,
    query: {
      watch: 1,
      resourceVersion: request.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: request.timeoutSeconds,
      labelSelector: request.labelSelector || undefined,
      fieldSelector: request.fieldSelector || undefined,
    },
    signal: request.signal,
    // A connection that dies without a FIN would hang the watch forever: the server ends it at
    // timeoutSeconds, so past that and a margin the stream is abandoned (and re-opened).
    timeoutMs: request.timeoutSeconds ? (request.timeoutSeconds + 30) * 1000 : 0,
  })
  if (!res.ok) throw failure({ path }, res, await res.text())
  if (!res.body) return
  const decoder = new TextDecoder()
  let buffer = ''
  const reader = res.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      let newline: number
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim()
        buffer = buffer.slice(newline + 1)
        if (line) deliver(line, path, onEvent)
      }
      if (buffer.length > maxLineBytes) {
        throw new KubeApiError(`watch ${path}: an event is over ${maxLineBytes} bytes`, {
          statusCode: 0,
          reason: 'InternalError',
        })
      }
    }
    if (buffer.trim()) deliver(buffer.trim(), path, onEvent)
  } finally {
    reader.releaseLock()
  }
}

function deliver(line: string, path: string, onEvent: (event: RawWatchEvent) => void): void {
  let event: RawWatchEvent
  try {
    event = JSON.parse(line) as RawWatchEvent
  } catch {
    throw new KubeApiError(`watch ${path}: the server sent a line that is not JSON`, {
      statusCode: 0,
      reason: 'InternalError',
    })
  }
  if (event.type === 'ERROR') {
    const status = event.object as unknown as KubeStatus
    throw errorFromStatus(status.code ?? 500, status, `watch ${path}`)
  }
  onEvent(event)
}
