/**
 * The incident service: implements AlertSink for the rule evaluator (fire, resolve) and the
 * changes people make (open by hand, acknowledge, resolve, notes, silences). Every change is one
 * transaction with its timeline entry, then published on the bus and, unless silenced, handed to
 * the notifier. fire/resolve run one at a time so a fingerprint never opens twice.
 */
import { WriteQueue } from '../db/serial.ts'
import type { Client } from '@libsql/client'
import type { Alert, AlertSink } from '../alerting/types.ts'
import type { Bus } from '../bus.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import type { Notifier } from '../notify/index.ts'
import type { Logger } from '../obs/logger.ts'
import { decideFire, refusal, type ManualAction } from './lifecycle.ts'
import { snapshotOf, type IncidentNotifyEvent } from './notify.ts'
import { formatMatchers, silencing } from './silence.ts'
import { unexpiredSilences } from './silence-store.ts'
import {
  getIncident,
  insertIncident,
  lastResolved,
  openIncident,
  openIncidents,
  saveIncident,
  timelineOf,
  type NewEntry,
} from './store.ts'
import type { Incident, Silence, TimelineKind } from './types.ts'

/** IncidentOptions are the incident settings. */
export interface IncidentOptions {
  /** Resolve an incident when its rule stops firing (VIGIL_INCIDENT_AUTO_RESOLVE). */
  autoResolve: boolean
  /** A recurrence this soon after resolving reopens the incident (VIGIL_INCIDENT_REOPEN_WINDOW). */
  reopenWindowMs: number
  /** The longest a silence may last (VIGIL_SILENCE_MAX_DURATION). */
  silenceMaxMs: number
  publicUrl: string | undefined
}

/** ManualIncident is an incident a person opens by hand. */
export interface ManualIncident {
  title: string
  severity: Incident['severity']
  labels: Record<string, string>
  annotations: Record<string, string>
  channels: string[]
}

const ruleActor = (rule: string) => `rule:${rule}`

/** SettleOptions say what a change notifies and what it changed from. */
interface SettleOptions {
  t: number
  event?: IncidentNotifyEvent | undefined
  /** The incident before the change (default: the changed one itself, e.g. a new incident). */
  before?: Incident
  /** Who (un)silenced it, on the timeline. */
  silenceActor?: string
  /** A new incident: published as `triggered` though its entry is already written. */
  opened?: boolean
}

/** IncidentService keeps incidents and their timelines. */
export class IncidentService implements AlertSink {
  private readonly changes = new WriteQueue()
  private readonly streams = new Set<() => void>()

  constructor(
    readonly client: Client,
    private readonly notifier: Pick<Notifier, 'enqueue' | 'deliveries' | 'stopReminders'>,
    private readonly bus: Bus,
    readonly options: IncidentOptions,
    readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  /** fire records a firing alert: update, repeat, reopen or open (see `decideFire`). */
  fire(alert: Alert): Promise<void> {
    return this.serial(async () => {
      const t = this.now()
      const open = await openIncident(this.client, alert.fingerprint)
      const resolved = open ? undefined : await lastResolved(this.client, alert.fingerprint)
      const action = decideFire(alert, open, resolved, this.options.reopenWindowMs)
      const actor = ruleActor(alert.rule)
      const fields = {
        rule: alert.rule,
        severity: alert.severity,
        title: titleOf(alert),
        labels: alert.labels,
        annotations: alert.annotations,
        value: alert.value,
        source: alert.source,
        channels: alert.notify,
        since: alert.since,
        lastSeenAt: alert.at,
      }
      if (action.kind === 'open') {
        const draft: Omit<Incident, 'id'> = {
          ...fields,
          fingerprint: alert.fingerprint,
          status: 'triggered',
          silenceId: null,
          count: 1,
          firstSeenAt: alert.since,
          startedAt: alert.since,
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolvedBy: null,
          reopenedCount: 0,
        }
        const entry = { at: t, actor, kind: 'triggered' as const, message: `${alert.rule} fired` }
        const id = await insertIncident(this.client, draft, { ...entry, details: valueOf(alert) })
        await this.settle({ ...draft, id }, [], { t, event: 'triggered', opened: true })
        return
      }
      const before = action.incident
      const next: Incident = { ...before, ...fields }
      const entries: NewEntry[] = []
      if (action.kind === 'repeat') {
        next.count = before.count + 1
        entries.push({
          at: t,
          actor,
          kind: 'repeated',
          message: `${alert.rule} fired again (${next.count} times)`,
          details: valueOf(alert),
        })
      } else if (action.kind === 'reopen') {
        Object.assign(next, {
          status: 'triggered',
          count: before.count + 1,
          startedAt: alert.since,
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolvedBy: null,
          reopenedCount: before.reopenedCount + 1,
        })
        entries.push({
          at: t,
          actor,
          kind: 'reopened',
          message: `${alert.rule} fired again within the reopen window`,
          details: valueOf(alert),
        })
      }
      const event = action.kind === 'reopen' ? 'triggered' : undefined
      await this.settle(next, entries, { t, event, before })
    })
  }

  /** resolve records that a rule stopped firing: the open incident resolves unless auto-resolve is off. */
  resolve(alert: Alert): Promise<void> {
    return this.serial(async () => {
      const open = await openIncident(this.client, alert.fingerprint)
      if (!open) return
      const t = this.now()
      const actor = ruleActor(alert.rule)
      if (!this.options.autoResolve) {
        const message = `${alert.rule} stopped firing; resolve it by hand (auto-resolve is off)`
        await this.settle(open, [{ at: t, actor, kind: 'note', message }], { t })
        return
      }
      const next: Incident = {
        ...open,
        status: 'resolved',
        resolvedAt: t,
        resolvedBy: actor,
        lastSeenAt: alert.at,
      }
      const entry: NewEntry = {
        at: t,
        actor,
        kind: 'resolved',
        message: `${alert.rule} stopped firing`,
      }
      await this.settle(next, [entry], { t, event: 'resolved' })
    })
  }

  /** openManual opens an incident by hand; its fingerprint is its own, so it never merges. */
  openManual(input: ManualIncident, actor: string): Promise<Incident> {
    return this.serial(async () => {
      const t = this.now()
      const draft: Omit<Incident, 'id'> = {
        fingerprint: `manual:${crypto.randomUUID()}`,
        rule: null,
        title: input.title,
        severity: input.severity,
        status: 'triggered',
        silenceId: null,
        labels: input.labels,
        annotations: input.annotations,
        value: null,
        source: { kind: 'manual' },
        channels: input.channels,
        count: 1,
        since: t,
        firstSeenAt: t,
        startedAt: t,
        lastSeenAt: t,
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        resolvedBy: null,
        reopenedCount: 0,
      }
      const message = `opened by hand by ${actor}`
      const id = await insertIncident(this.client, draft, {
        at: t,
        actor,
        kind: 'triggered',
        message,
      })
      return this.settle({ ...draft, id }, [], { t, event: 'triggered', opened: true })
    })
  }

  /** act acknowledges or resolves an incident for a person; 409 when the status does not allow it. */
  act(id: number, action: ManualAction, actor: string, note?: string): Promise<Incident> {
    return this.serial(async () => {
      const incident = await this.get(id)
      const why = refusal(action, incident)
      if (why)
        throw new ConflictError(why, {
          code: 'invalid_transition',
          details: { status: incident.status },
        })
      const t = this.now()
      const next: Incident =
        action === 'acknowledge'
          ? { ...incident, status: 'acknowledged', acknowledgedAt: t, acknowledgedBy: actor }
          : { ...incident, status: 'resolved', resolvedAt: t, resolvedBy: actor }
      const kind = action === 'acknowledge' ? 'acknowledged' : 'resolved'
      const message = `${kind} by ${actor}${note ? `: ${note}` : ''}`
      return this.settle(next, [{ at: t, actor, kind, message }], { t, event: kind })
    })
  }

  /** addNote appends a note to the timeline. */
  addNote(id: number, actor: string, text: string): Promise<Incident> {
    return this.serial(async () => {
      const incident = await this.get(id)
      const t = this.now()
      return this.settle(incident, [{ at: t, actor, kind: 'note', message: text }], { t })
    })
  }

  /** resilence re-checks every open incident against the silences (after one is created or expired). */
  resilence(actor: string): Promise<void> {
    return this.serial(async () => {
      const t = this.now()
      for (const incident of await openIncidents(this.client)) {
        const before = { ...incident }
        await this.settle(incident, [], { t, before, silenceActor: actor })
      }
    })
  }

  /** trackStream registers how to end a live feed at shutdown; the returned function forgets it. */
  trackStream(close: () => void): () => void {
    this.streams.add(close)
    return () => void this.streams.delete(close)
  }

  /** closeStreams ends every live feed, so that draining the server does not wait for them. */
  closeStreams(): void {
    for (const close of this.streams) close()
    this.streams.clear()
  }

  /** get reads one incident; 404 when there is none. */
  async get(id: number): Promise<Incident> {
    const incident = await getIncident(this.client, id)
    if (!incident) throw new NotFoundError(`no incident ${id}`)
    return incident
  }

  /** timeline reads an incident's timeline, oldest first. */
  timeline(id: number) {
    return timelineOf(this.client, id)
  }

  /** deliveries reads an incident's delivery log from the notifier. */
  deliveries(id: number) {
    return this.notifier.deliveries(String(id))
  }

  /**
   * settle applies the silences to an incident, saves it with its entries, publishes it and
   * notifies `event` unless it is silenced. An incident whose silence ended while it is still
   * triggered is notified then (the notifier drops a `triggered` it already sent).
   */
  private async settle(next: Incident, entries: NewEntry[], how: SettleOptions): Promise<Incident> {
    const { t, before = next, silenceActor = 'system', opened = false } = how
    let event = how.event
    const silences = next.status === 'resolved' ? [] : await unexpiredSilences(this.client, t)
    const silence: Silence | undefined =
      next.status === 'resolved' ? undefined : silencing(silences, next.labels, t)
    // `before` may be `next` itself (a new incident): read it before changing `next`.
    const prior = before.silenceId
    const moved = changed(before, next)
    if (next.status !== 'resolved') next.silenceId = silence?.id ?? null
    if (silence && silence.id !== prior)
      entries.push({
        at: t,
        actor: silenceActor,
        kind: 'silenced',
        message: `silenced by silence ${silence.id} ${formatMatchers(silence.matchers)}: ${silence.comment}`,
        details: { silence: silence.id },
      })
    if (!silence && prior !== null && next.status !== 'resolved') {
      entries.push({
        at: t,
        actor: silenceActor,
        kind: 'unsilenced',
        message: `silence ${prior} no longer applies`,
      })
      if (next.status === 'triggered') event ??= 'triggered'
    }
    const kind: TimelineKind | undefined =
      entries.at(-1)?.kind ?? (opened ? 'triggered' : undefined)
    if (entries.length > 0 || moved) await saveIncident(this.client, next, entries)
    // A silence mutes the reminders of what was notified before it, too.
    if (silence && silence.id !== prior) await this.notifier.stopReminders(String(next.id))
    if (event && next.silenceId === null) await this.notify(next, event, t)
    if (kind) this.bus.publish('incidents', { incident: next, kind })
    return next
  }

  private async notify(i: Incident, event: IncidentNotifyEvent, t: number): Promise<void> {
    try {
      const result = await this.notifier.enqueue({
        event,
        incident: snapshotOf(i, this.options.publicUrl),
        channels: i.channels,
      })
      if (result.keys.length === 0) return
      const channels = result.keys.map((k) => k.slice(k.lastIndexOf('|') + 1))
      await saveIncident(this.client, i, [
        {
          at: t,
          actor: 'system',
          kind: 'notified',
          message: `${event} sent to ${channels.join(', ')}`,
          details: { event, channels },
        },
      ])
    } catch (err) {
      // A notification that cannot be queued must not undo the incident change.
      this.logger.error('cannot queue the notification', { incident: i.id, event, err })
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.changes.run(fn)
  }
}

function titleOf(alert: Alert): string {
  const summary = alert.annotations.summary ?? alert.annotations.title
  return (summary && summary.trim() ? summary : alert.rule).slice(0, 1024)
}

function valueOf(alert: Alert): Record<string, unknown> {
  return { value: alert.value, since: alert.since, at: alert.at }
}

function changed(a: Incident, b: Incident): boolean {
  return JSON.stringify(a) !== JSON.stringify(b)
}
