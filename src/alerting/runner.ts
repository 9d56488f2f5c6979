/**
 * The rule evaluator: loads the enabled AlertRules (again on every policy change), evaluates each
 * on its interval and as soon as a bus publication concerns it (samples of a metric
 * its expression reads, anomalies, findings, events), runs the state machine and hands the alerts
 * to the sink. One rule's failure is that rule's `error` status; the others carry on.
 */
import type { Client } from '@libsql/client'
import type { Registry } from 'prom-client'
import type { AnomalyService } from '../anomaly/service.ts'
import type { Bus, BusTopic, BusTopics } from '../bus.ts'
import type { LogsService } from '../logs/service.ts'
import type { MetricsEngine } from '../metrics/engine.ts'
import type { Logger } from '../obs/logger.ts'
import { conditionOf, type ConditionKind } from '../policy/kinds/alert-rule.ts'
import type { PolicyService } from '../policy/service.ts'
import { alertOf, conditionKey, observe, type Rule } from './alerts.ts'
import { conditions } from './conditions/index.ts'
import { RecentEvents } from './conditions/recent-events.ts'
import type { ActiveGroup, ConditionContext, Wakers } from './conditions/types.ts'
import { registerAlertingMetrics, type AlertingMetrics } from './metrics.ts'
import { advance, resolveAll, type GroupState } from './state.ts'
import type { Alert, AlertSink } from './types.ts'

/** RuleEvaluatorOptions is what the evaluator reads from and writes to. */
export interface RuleEvaluatorOptions {
  policies: PolicyService
  engine: MetricsEngine
  logs: LogsService
  anomalies: AnomalyService
  /** The database (drift findings are read from it). */
  db: { client: Client }
  bus: Bus
  sink: AlertSink
  now: () => number
  logger: Logger
  /** The Prometheus registry its metrics go on. */
  registry: Registry
  /** The interval of rules that set none (VIGIL_ALERT_INTERVAL). */
  intervalMs: number
  /**
   * The least time between two evaluations a rule's bus publications cause (ms): the first
   * evaluates at once, those in the next debounceMs make one more evaluation at its end.
   */
  debounceMs?: number
}

/** Loaded is one rule as the evaluator runs it. */
interface Loaded {
  rule: Rule
  kind: ConditionKind
  key: string
  ctx: ConditionContext
  wakers: Wakers
  states: Map<string, GroupState>
  timer: ReturnType<typeof setInterval> | undefined
  debounce: ReturnType<typeof setTimeout> | undefined
  /** When a bus publication last made it evaluate (performance.now()). */
  woke: number
  running: Promise<void> | undefined
  again: boolean
  removed: boolean
}

const topics: BusTopic[] = ['samples', 'anomalies', 'findings', 'events']

/** RuleEvaluator evaluates the enabled AlertRules and feeds their alerts to the sink. */
export class RuleEvaluator {
  private readonly rules = new Map<string, Loaded>()
  private readonly recentEvents: RecentEvents
  private readonly metrics: AlertingMetrics
  private readonly debounceMs: number
  private readonly unsubscribe: (() => void)[] = []
  private reloading: Promise<void> = Promise.resolve()
  private started = false

  constructor(private readonly o: RuleEvaluatorOptions) {
    this.recentEvents = new RecentEvents(o.intervalMs)
    this.metrics = registerAlertingMetrics(o.registry)
    this.metrics.watch(() => this.firing())
    this.debounceMs = o.debounceMs ?? 50
  }

  /** run starts evaluating and stops when the signal aborts, after in-flight evaluations finish. */
  async run(signal: AbortSignal): Promise<void> {
    await this.start()
    if (!signal.aborted)
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }))
    await this.stop()
  }

  /** start loads the rules, subscribes to the bus and policy changes, and starts the timers. */
  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    this.unsubscribe.push(this.o.policies.onChange(() => void this.reload()))
    for (const topic of topics) {
      this.unsubscribe.push(this.o.bus.subscribe(topic, (p) => this.onBus(topic, p)))
    }
    await this.reload()
  }

  /** stop clears the timers and subscriptions and waits for in-flight evaluations. */
  async stop(): Promise<void> {
    this.started = false
    for (const off of this.unsubscribe.splice(0)) off()
    await this.reloading
    for (const r of this.rules.values()) this.halt(r)
    await Promise.all([...this.rules.values()].map((r) => r.running))
  }

  /** reload reads the enabled rules: new ones start, changed ones restart, gone ones resolve. */
  reload(): Promise<void> {
    this.reloading = this.reloading
      .then(() => this.load())
      .catch((err) => {
        this.o.logger.error('alert rules not loaded', { err: String(err) })
      })
    return this.reloading
  }

  /** evaluateAll evaluates every rule once, now (tests and the first round). */
  async evaluateAll(): Promise<void> {
    await this.reloading
    await Promise.all([...this.rules.values()].map((r) => this.evaluate(r)))
  }

  /** firing counts the alerts firing now. */
  firing(): number {
    let n = 0
    for (const r of this.rules.values()) {
      for (const s of r.states.values()) if (s.state === 'firing') n++
    }
    return n
  }

  /** states lists the pending and firing groups of a rule (for tests and views). */
  states(rule: string): GroupState[] {
    return [...(this.rules.get(rule)?.states.values() ?? [])]
  }

  private async load(): Promise<void> {
    const enabled = await this.o.policies.enabled('AlertRule')
    const seen = new Set<string>()
    let horizon = this.o.intervalMs
    for (const rule of enabled) {
      const name = rule.metadata.name
      seen.add(name)
      const last = this.rules.get(name)
      const key = conditionKey(rule)
      if (last && last.rule.metadata.name === name && last.key === key) {
        const intervalChanged = this.intervalOf(last.rule) !== this.intervalOf(rule)
        last.rule = rule
        last.ctx.intervalMs = this.intervalOf(rule)
        if (intervalChanged) this.schedule(last)
      } else {
        if (last) await this.remove(last)
        this.add(rule, key)
      }
      horizon = Math.max(horizon, this.intervalOf(rule))
    }
    for (const [name, r] of this.rules) if (!seen.has(name)) await this.remove(r)
    this.recentEvents.horizonMs = horizon
  }

  private intervalOf(rule: Rule): number {
    return rule.spec.interval ?? this.o.intervalMs
  }

  private add(rule: Rule, key: string): void {
    const kind = conditionOf(rule.spec)
    const ctx: ConditionContext = {
      engine: this.o.engine,
      logs: this.o.logs,
      anomalies: this.o.anomalies,
      client: this.o.db.client,
      recentEvents: this.recentEvents,
      intervalMs: this.intervalOf(rule),
      groupBy: rule.spec.group_by,
    }
    let wakers: Wakers = {}
    try {
      wakers = conditions[kind].wakers(rule.spec[kind] as never, ctx)
    } catch (err) {
      this.o.logger.warn('alert rule wakes on its interval only', {
        rule: rule.metadata.name,
        err: String(err),
      })
    }
    const loaded: Loaded = {
      rule,
      kind,
      key,
      ctx,
      wakers,
      states: new Map(),
      timer: undefined,
      debounce: undefined,
      woke: -Infinity,
      running: undefined,
      again: false,
      removed: false,
    }
    this.rules.set(rule.metadata.name, loaded)
    this.schedule(loaded)
    this.request(loaded, 0)
  }

  private async remove(r: Loaded): Promise<void> {
    r.removed = true
    this.halt(r)
    this.rules.delete(r.rule.metadata.name)
    await r.running
    const t = this.o.now()
    for (const s of resolveAll(r.states, t))
      await this.send('resolve', alertOf(r.rule, s, 'resolved'))
    r.states.clear()
  }

  private halt(r: Loaded): void {
    clearInterval(r.timer)
    clearTimeout(r.debounce)
    r.timer = r.debounce = undefined
  }

  private schedule(r: Loaded): void {
    clearInterval(r.timer)
    if (!this.started) return
    r.timer = setInterval(() => this.request(r, 0), this.intervalOf(r.rule))
  }

  private onBus<T extends BusTopic>(topic: T, payload: BusTopics[T]): void {
    if (topic === 'events') this.recentEvents.add(payload as BusTopics['events'], this.o.now())
    for (const r of this.rules.values()) {
      const wakes = r.wakers[topic] as ((p: BusTopics[T]) => boolean) | undefined
      if (!wakes || r.debounce) continue
      let relevant = false
      try {
        relevant = wakes(payload)
      } catch (err) {
        this.o.logger.warn('alert rule waker failed', {
          rule: r.rule.metadata.name,
          err: String(err),
        })
      }
      if (relevant) this.wake(r)
    }
  }

  /** wake evaluates a rule for a bus publication: at once, or at the end of the debounce. */
  private wake(r: Loaded): void {
    const wait = r.woke + this.debounceMs - performance.now()
    if (wait > 0) return this.request(r, wait)
    r.woke = performance.now()
    this.request(r, 0)
  }

  /** request evaluates a rule after `delayMs`; a request while one runs runs once more after it. */
  private request(r: Loaded, delayMs: number): void {
    if (r.removed || !this.started) return
    if (delayMs > 0) {
      if (r.debounce) return
      r.debounce = setTimeout(() => {
        r.debounce = undefined
        r.woke = performance.now()
        this.request(r, 0)
      }, delayMs)
      return
    }
    if (r.running) {
      r.again = true
      return
    }
    void this.evaluate(r)
  }

  private evaluate(r: Loaded): Promise<void> {
    if (r.running) return r.running.then(() => this.evaluate(r))
    r.running = this.evaluateOnce(r).finally(() => {
      r.running = undefined
      if (r.again && !r.removed) {
        r.again = false
        this.request(r, 0)
      }
    })
    return r.running
  }

  private async evaluateOnce(r: Loaded): Promise<void> {
    const { rule, kind } = r
    const name = rule.metadata.name
    const t = this.o.now()
    const started = performance.now()
    let groups: ActiveGroup[]
    try {
      groups = await conditions[kind].evaluate(rule.spec[kind] as never, r.ctx, t)
    } catch (err) {
      const durationMs = performance.now() - started
      const message = err instanceof Error ? err.message : String(err)
      this.metrics.evaluated(kind, 'error', durationMs / 1000)
      this.o.policies.status.report('AlertRule', name, {
        status: 'error',
        lastEvalAt: t,
        durationMs,
        message,
      })
      this.o.logger.warn('alert rule evaluation failed', { rule: name, err: message })
      return
    }
    if (r.removed) return
    const observed = observe(rule, groups)
    const step = advance(r.states, observed, t, {
      forMs: rule.spec.for,
      keepFiringForMs: rule.spec.keep_firing_for,
    })
    r.states = step.states
    for (const s of step.firing) await this.send('fire', alertOf(rule, s, 'firing'))
    for (const s of step.resolved) await this.send('resolve', alertOf(rule, s, 'resolved'))
    const durationMs = performance.now() - started
    const outcome = step.firing.length > 0 ? 'firing' : 'ok'
    this.metrics.evaluated(kind, outcome, durationMs / 1000)
    this.o.policies.status.report('AlertRule', name, {
      status: outcome,
      lastEvalAt: t,
      durationMs,
      matches: observed.length,
    })
  }

  private async send(what: 'fire' | 'resolve', alert: Alert): Promise<void> {
    try {
      await this.o.sink[what](alert)
    } catch (err) {
      this.o.logger.error('alert sink failed', { rule: alert.rule, what, err: String(err) })
    }
  }
}
