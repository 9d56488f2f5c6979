/**
 * The drift scanner in the server: it loads the desired state (manifest paths and an optional git
 * checkout), watches the collections of the kinds it declares through the adapter's shared
 * caches, and scans whenever a watch sees a change, the desired state changes, or the interval
 * passes: the diff and the compliance checks over the cached objects (no lists per scan). Findings
 * are stored with first / last seen and resolution, published on the bus and counted.
 */
import type { Client } from '@libsql/client'
import type { Bus } from '../bus.ts'
import type { ClusterReader, WatchHandle } from '../k8s/types.ts'
import type { Logger } from '../obs/logger.ts'
import { checkCompliance } from './compliance/evaluate.ts'
import { defaultCompliancePolicy, type CompliancePolicy } from './compliance/schema.ts'
import { diff } from './diff.ts'
import { FindingsLedger, type Entry } from './findings-store.ts'
import { redactGitUrl, syncRepo, type GitSource } from './git-source.ts'
import { refOf, resolve, type Resolved } from './live.ts'
import { loadManifests } from './manifest-load.ts'
import type { DriftMetrics } from './metrics.ts'
import type { DriftSettings } from './settings.ts'
import type { Manifest } from './types.ts'

/** DriftOptions are the scanner's settings. */
export interface DriftOptions {
  /** Files or directories of manifests. */
  paths: string[]
  /** A git repository to take manifests from, refreshed every `intervalMs`. */
  git: (GitSource & { intervalMs: number }) | undefined
  /** The longest time between scans. */
  intervalMs: number
  settings: DriftSettings
  /** The compliance policies to check (default: the built-in rules). */
  compliance?: () => Promise<CompliancePolicy[]>
  /** hears, after each scan, how many violations each compliance policy had. */
  reportCompliance?: (policy: string, violations: number, at: number, ms: number) => void
}

/** DriftStatus is what the scanner last did, for the page and /ui endpoints. */
export interface DriftStatus {
  state: 'off' | 'starting' | 'ok' | 'error'
  message: string
  revision: string | null
  manifests: number
  objects: number
  open: number
  lastScanAt: number | null
  durationMs: number | null
  unserved: string[]
}

/** minScanGapMs is the least time between the starts of two scans. */
const minScanGapMs = 200

interface Desired {
  manifests: Manifest[]
  revision: string | null
}

/** DriftScanner keeps the drift findings current. */
export class DriftScanner {
  readonly status: DriftStatus = {
    state: 'off',
    message: 'no desired state: set VIGIL_DRIFT_PATHS or VIGIL_DRIFT_GIT_URL',
    revision: null,
    manifests: 0,
    objects: 0,
    open: 0,
    lastScanAt: null,
    durationMs: null,
    unserved: [],
  }
  private desired: Desired | undefined
  private resolved: Resolved | undefined
  private handles: WatchHandle[] = []
  private dirty = true
  private wake: (() => void) | undefined
  private lastGit = -Infinity
  private lastDesired = -Infinity
  private lastScanStart = -Infinity
  private readonly ledger: FindingsLedger

  constructor(
    private readonly client: Client,
    private readonly connect: () => Promise<ClusterReader>,
    readonly options: DriftOptions,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly bus: Bus,
    private readonly metrics: DriftMetrics,
  ) {
    this.ledger = new FindingsLedger(client)
  }

  /** enabled tells whether there is a desired state to compare with. */
  get enabled(): boolean {
    return this.options.paths.length > 0 || this.options.git !== undefined
  }

  /** run scans until the signal aborts; errors are reported in the status and retried. */
  async run(signal: AbortSignal): Promise<void> {
    if (!this.enabled) return
    this.status.state = 'starting'
    this.status.message = 'connecting to the cluster'
    let reader: ClusterReader | undefined
    let backoff = 1000
    while (!signal.aborted) {
      try {
        if (!reader) {
          const t0 = performance.now()
          reader = await this.connect()
          this.logger.info('drift scanner connected', { ms: Math.round(performance.now() - t0) })
        }
        if (await this.refreshDesired()) await this.subscribe(reader)
        if (this.dirty) {
          // A busy cluster sends a stream of watch events: one scan per burst, not per event.
          const since = performance.now() - this.lastScanStart
          if (since < minScanGapMs) await new Promise((r) => setTimeout(r, minScanGapMs - since))
          this.lastScanStart = performance.now()
          await this.scan()
        }
        backoff = 1000
        await this.sleep(this.options.intervalMs, signal)
      } catch (err) {
        this.fail(err)
        await this.sleep(backoff, signal)
        backoff = Math.min(backoff * 2, this.options.intervalMs * 6)
      }
    }
    for (const h of this.handles) h.stop()
  }

  private fail(err: unknown): void {
    const message = (err as Error).message
    this.status.state = 'error'
    this.status.message = message
    this.metrics.scanned('error', 0, 0, this.now())
    this.logger.warn('drift scan failed', { err: message })
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        this.wake = undefined
        resolve()
      }
      const timer = setTimeout(() => {
        this.dirty = true
        done()
      }, ms)
      signal.addEventListener('abort', done, { once: true })
      this.wake = done
    })
  }

  /** refreshDesired (re)reads the manifests once an interval (not on every watch event); true when they changed. */
  private async refreshDesired(): Promise<boolean> {
    if (this.desired && this.now() - this.lastDesired < this.options.intervalMs) return false
    this.lastDesired = this.now()
    const { paths, git } = this.options
    let revision = this.desired?.revision ?? null
    const dirs = [...paths]
    if (git) {
      const due = this.now() - this.lastGit >= git.intervalMs
      if (due || !this.desired) {
        try {
          const synced = await syncRepo(git)
          revision = synced.revision
        } catch (err) {
          // Keep comparing with the last checkout; say why it is not fresh.
          if (!this.desired) throw err
          this.logger.warn('drift git refresh failed', {
            url: redactGitUrl(git.url),
            err: (err as Error).message,
          })
        }
        this.lastGit = this.now()
      }
      dirs.push(`${git.dir}/${git.path}`)
    }
    const manifests = loadManifests(dirs)
    const before = this.desired
    const same =
      before !== undefined &&
      before.revision === revision &&
      JSON.stringify(before.manifests) === JSON.stringify(manifests)
    if (same) return false
    this.desired = { manifests, revision }
    this.status.manifests = manifests.length
    this.status.revision = revision
    this.dirty = true
    return true
  }

  /** subscribe watches the collections of the desired kinds (replacing earlier watches). */
  private async subscribe(reader: ClusterReader): Promise<void> {
    const scope = this.options.settings.scope
    const resolved = await resolve(
      reader,
      this.desired!.manifests,
      scope ? (scope.kinds ?? []) : [],
    )
    const before = (this.resolved?.collections ?? []).map((c) => `${c.apiVersion}/${c.kind}`).join()
    const after = resolved.collections.map((c) => `${c.apiVersion}/${c.kind}`).join()
    this.resolved = resolved
    this.status.unserved = resolved.unserved
    if (before === after && this.handles.length > 0) return
    for (const h of this.handles) h.stop()
    const changed = () => {
      this.dirty = true
      this.wake?.()
    }
    this.handles = resolved.collections.map((c) =>
      reader.watch(refOf(c), {
        onEvent: changed,
        onSync: changed,
        onError: (err) => this.logger.warn('drift watch error', { kind: c.kind, err: err.message }),
      }),
    )
    await Promise.all(this.handles.map((h) => h.synced))
  }

  /** scan compares the desired state with the cached live objects and stores the findings. */
  async scan(): Promise<void> {
    if (!this.desired || !this.resolved) return
    this.dirty = false
    const started = performance.now()
    const live = this.handles.flatMap((h) => h.objects()) as Record<string, unknown>[]
    const { manifests, revision } = this.desired
    const kinds = this.resolved.kinds
    const findings = diff(manifests, live, { ...this.options.settings, revision, kinds })
    const diffed = performance.now()
    const policies = (await this.options.compliance?.()) ?? [defaultCompliancePolicy]
    const violations = checkCompliance(policies, [...manifests, ...live], {
      kinds,
      defaultNamespace: this.options.settings.defaultNamespace,
    })
    const checked = performance.now()
    // A violation of the manifest and of its live object is one finding: count distinct keys.
    const perPolicy = new Map(policies.map((p) => [p.metadata.name, new Set<string>()]))
    for (const v of violations) perPolicy.get(v.policy)?.add(v.key)
    for (const [name, keys] of perPolicy)
      this.options.reportCompliance?.(name, keys.size, this.now(), checked - diffed)
    const entries: Entry[] = [
      ...findings.map((finding) => ({ category: 'drift' as const, finding })),
      ...violations.map((violation) => ({ category: 'compliance' as const, violation })),
    ]
    const at = this.now()
    const result = await this.ledger.sync(entries, at)
    if (result.opened.length || result.resolved.length)
      this.bus.publish('findings', { opened: result.opened, resolved: result.resolved })
    const seconds = (performance.now() - started) / 1000
    this.logger[this.status.lastScanAt === null ? 'info' : 'debug']('drift scan', {
      objects: live.length,
      findings: findings.length,
      violations: violations.length,
      diff_ms: Math.round(diffed - started),
      compliance_ms: Math.round(checked - diffed),
      store_ms: Math.round(performance.now() - checked),
    })
    this.metrics.scanned('ok', seconds, live.length, at)
    this.metrics.open(this.ledger.counts())
    Object.assign(this.status, {
      state: 'ok',
      message: `${findings.length} drift findings, ${violations.length} compliance violations`,
      objects: live.length,
      open: result.open,
      lastScanAt: at,
      durationMs: Math.round(seconds * 1000),
    })
  }
}
