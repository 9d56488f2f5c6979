/**
 * Shared, self-healing caches of collections, one per (group, version, resource, namespace,
 * selectors) however many subscribers want it: one list, then one watch from its resourceVersion,
 * re-opened from the last seen version (bookmarks included) when the server ends it. Only a
 * `410 Gone` (or an Expired ERROR event) causes a relist, whose differences reach subscribers as
 * events. Every other failure waits an exponential, capped, jittered backoff, and a relist that
 * is answered by Gone again waits too: no list storms.
 */
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.ts'
import { KubeApiError } from './errors.ts'
import { refKey } from './paths.ts'
import type { Rest } from './rest.ts'
import type { Transport } from './transport.ts'
import type {
  KubeObject,
  ListOptions,
  ResourceRef,
  WatchEvent,
  WatchHandle,
  WatchHandlers,
} from './types.ts'
import { watchOnce } from './watch.ts'

/** InformerOptions tune every shared cache of a connection. */
export interface InformerOptions {
  backoff: BackoffOptions
  /** watchTimeoutSeconds is how long one watch request lasts before it is re-opened. */
  watchTimeoutSeconds: () => number
  /** resyncMs re-sends the whole cache to `onSync` this often, without listing; 0: never. */
  resyncMs: number
}

/** defaultInformerOptions: 5–10 minute watches (as client-go), a resync every 5 minutes. */
export const defaultInformerOptions: InformerOptions = {
  backoff: defaultBackoff,
  watchTimeoutSeconds: () => 300 + Math.floor(Math.random() * 300),
  resyncMs: 300_000,
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`

class SharedInformer {
  private readonly cache = new Map<string, KubeObject>()
  private readonly subscribers = new Set<WatchHandlers>()
  private readonly abort = new AbortController()
  private resourceVersion = ''
  private listed = false
  private markSynced!: () => void
  readonly synced = new Promise<void>((resolve) => (this.markSynced = resolve))

  constructor(
    private readonly transport: Transport,
    private readonly rest: Rest,
    private readonly ref: ResourceRef,
    private readonly selectors: ListOptions,
    private readonly options: InformerOptions,
    private readonly onIdle: () => void,
  ) {
    void this.run()
    if (options.resyncMs > 0) {
      const timer = setInterval(() => this.listed && this.sync(), options.resyncMs)
      this.abort.signal.addEventListener('abort', () => clearInterval(timer))
    }
  }

  subscribe(handlers: WatchHandlers): WatchHandle {
    this.subscribers.add(handlers)
    if (this.listed) queueMicrotask(() => handlers.onSync?.(this.objects()))
    return {
      synced: this.synced,
      objects: () => this.objects(),
      stop: () => {
        this.subscribers.delete(handlers)
        if (this.subscribers.size === 0) this.stop()
      },
    }
  }

  objects(): KubeObject[] {
    return [...this.cache.values()]
  }

  stop(): void {
    if (this.abort.signal.aborted) return
    this.abort.abort()
    this.onIdle()
  }

  private async run(): Promise<void> {
    let failures = 0
    let mustList = true
    const signal = this.abort.signal
    while (!signal.aborted) {
      let progressed = false
      try {
        if (mustList) {
          await this.relist()
          mustList = false
        }
        const started = Date.now()
        await watchOnce(
          this.transport,
          this.ref,
          {
            ...this.selectors,
            resourceVersion: this.resourceVersion,
            timeoutSeconds: this.options.watchTimeoutSeconds(),
            signal,
          },
          (event) => {
            progressed = true
            this.resourceVersion = event.object.metadata?.resourceVersion ?? this.resourceVersion
            if (event.type !== 'BOOKMARK' && event.type !== 'ERROR') {
              this.apply({ type: event.type, object: event.object })
            }
          },
        )
        // A watch the server ends at once with nothing in it counts as a failure, or a broken
        // server would have us re-open it in a hot loop.
        if (progressed || Date.now() - started > 1000) failures = 0
        else await this.pause(++failures)
      } catch (err) {
        if (signal.aborted) break
        if (progressed) failures = 0
        failures++
        const error = err instanceof Error ? err : new Error(String(err))
        const gone = err instanceof KubeApiError && err.gone
        if (gone) mustList = true
        else this.emitError(error)
        // The first Gone relists at once; a Gone right after a relist, or any other error, waits.
        if (!(gone && failures === 1)) await this.pause(failures)
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.rest.list(this.ref, this.selectors)
    const before = new Map(this.cache)
    this.cache.clear()
    for (const item of list.items) this.cache.set(keyOf(item), item)
    this.resourceVersion = list.resourceVersion
    if (this.listed) {
      for (const [key, item] of this.cache) {
        const old = before.get(key)
        if (!old) this.emit({ type: 'ADDED', object: item })
        else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) {
          this.emit({ type: 'MODIFIED', object: item })
        }
      }
      for (const [key, old] of before) {
        if (!this.cache.has(key)) this.emit({ type: 'DELETED', object: old })
      }
    }
    this.listed = true
    this.markSynced()
    this.sync()
  }

  private apply(event: WatchEvent): void {
    const key = keyOf(event.object)
    if (event.type === 'DELETED') this.cache.delete(key)
    else this.cache.set(key, event.object)
    this.emit(event)
  }

  private emit(event: WatchEvent): void {
    for (const s of this.subscribers) guard(() => s.onEvent?.(event))
  }

  private emitError(error: Error): void {
    for (const s of this.subscribers) guard(() => s.onError?.(error))
  }

  private sync(): void {
    const objects = this.objects()
    for (const s of this.subscribers) guard(() => s.onSync?.(objects))
  }

  private pause(attempt: number): Promise<void> {
    const ms = backoffDelay(attempt, this.options.backoff)
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      const signal = this.abort.signal
      signal.addEventListener('abort', done, { once: true })
      function done() {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
    })
  }
}

/** A subscriber that throws must not break the cache or the other subscribers. */
function guard(fn: () => void): void {
  try {
    fn()
  } catch {
    // The subscriber owns its errors; the informer carries on.
  }
}

/** Informers hands out shared caches, one per collection and selectors. */
export class Informers {
  private readonly running = new Map<string, SharedInformer>()

  constructor(
    private readonly transport: Transport,
    private readonly rest: Rest,
    private readonly options: InformerOptions = defaultInformerOptions,
  ) {}

  /** watch subscribes to the shared cache of `ref`, starting it when it is the first subscriber. */
  watch(ref: ResourceRef, handlers: WatchHandlers, selectors: ListOptions = {}): WatchHandle {
    const key = refKey(ref, selectors.labelSelector, selectors.fieldSelector)
    let informer = this.running.get(key)
    if (!informer) {
      const created: SharedInformer = new SharedInformer(
        this.transport,
        this.rest,
        ref,
        selectors,
        this.options,
        () => {
          if (this.running.get(key) === created) this.running.delete(key)
        },
      )
      informer = created
      this.running.set(key, informer)
    }
    return informer.subscribe(handlers)
  }

  /** size is the number of running shared caches. */
  get size(): number {
    return this.running.size
  }

  /** close stops every shared cache. */
  close(): void {
    for (const informer of [...this.running.values()]) informer.stop()
  }
}
