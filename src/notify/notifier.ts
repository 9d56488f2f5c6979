/**
 * The notifier: the one thing other domains call. `enqueue` routes an incident event to its
 * channels and writes one outbox row per channel, durably, before it returns; the sender
 * delivers them in the background. It also keeps reminders for unacknowledged incidents, sends
 * test notifications and reads the delivery log.
 */
import { randomUUID } from 'node:crypto'
import type { Client } from '@libsql/client'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../errors.ts'
import type { Logger } from '../obs/logger.ts'
import type { ChannelDirectory } from './directory.ts'
import { channelName } from './file.ts'
import type { NotifyMetrics } from './metrics.ts'
import type { NotifyOptions } from './options.ts'
import {
  backlogByChannel,
  deliveriesFor,
  insertStatements,
  outboxIdByKey,
  outboxRow,
  type Delivery,
  type OutboxRow,
} from './outbox-store.ts'
import { bumpStatement, dueRepeats, trackStatement, untrackStatement } from './repeat-store.ts'
import { planRoute, recipients, type Route } from './route.ts'
import { Sender } from './sender.ts'
import { notifyEvents, severities, type IncidentSnapshot, type Notification } from './types.ts'

const strings = (maxKeys: number, maxValue: number) =>
  z
    .record(z.string().min(1).max(128), z.string().max(maxValue))
    .refine((r) => Object.keys(r).length <= maxKeys, { error: `at most ${maxKeys} entries` })

const time = z.number().int().min(0).max(8.64e15)

/** incidentSchema validates an incident snapshot handed to `enqueue`. */
export const incidentSchema = z.object({
  id: z.string().min(1).max(128),
  fingerprint: z.string().min(1).max(1024),
  title: z.string().min(1).max(1024),
  severity: z.enum(severities),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  labels: strings(64, 1024).default({}),
  annotations: strings(32, 4096).default({}),
  url: z.string().max(2000).optional(),
  startedAt: time,
  acknowledgedAt: time.optional(),
  acknowledgedBy: z.string().max(256).optional(),
  resolvedAt: time.optional(),
  rule: z.string().max(256).optional(),
  count: z.number().int().min(0).optional(),
})

const enqueueSchema = z.object({
  event: z.enum(notifyEvents),
  incident: incidentSchema,
  channels: z.array(channelName).max(50).default([]),
  key: z.string().min(1).max(256).optional(),
})

/** EnqueueInput is what the incident code hands to `enqueue`. */
export type EnqueueInput = z.input<typeof enqueueSchema>

/** EnqueueResult says which rows were written and which channels were not found. */
export interface EnqueueResult {
  keys: string[]
  unknownChannels: string[]
}

/** eventKey is the default idempotency key of an event: the incident and the time it happened. */
export function eventKey(input: z.output<typeof enqueueSchema>, now: number): string {
  const i = input.incident
  switch (input.event) {
    case 'triggered':
      return `${i.id}:triggered:${i.startedAt}`
    case 'acknowledged':
      return `${i.id}:acknowledged:${i.acknowledgedAt ?? now}`
    case 'resolved':
      return `${i.id}:resolved:${i.resolvedAt ?? now}`
    default:
      return `${i.id}:${input.event}:${randomUUID()}`
  }
}

/** Notifier routes, queues and delivers notifications. */
export class Notifier {
  readonly sender: Sender

  constructor(
    private readonly client: Client,
    readonly directory: ChannelDirectory,
    private readonly routes: readonly Route[],
    private readonly options: NotifyOptions,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly metrics: NotifyMetrics,
    random: () => number = Math.random,
  ) {
    this.sender = new Sender(
      client,
      directory,
      options,
      now,
      logger,
      metrics,
      (t) => this.remind(t),
      random,
    )
    metrics.watch(
      () => backlogByChannel(client),
      () => this.sender.breakerStates(),
      async () => (await directory.all()).map((c) => c.name),
    )
  }

  /**
   * enqueue routes one incident event (the rule's `channels` plus the matching routes) and
   * writes its outbox rows and reminder state in one transaction. Calling it again with the same
   * event (same key) writes nothing new. `triggered` starts reminders every repeat interval until
   * `acknowledged` or `resolved` arrives.
   */
  async enqueue(input: EnqueueInput): Promise<EnqueueResult> {
    const parsed = enqueueSchema.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new ValidationError(`notification: ${issue.path.join('.')}: ${issue.message}`)
    }
    const data = parsed.data
    const t = this.now()
    const incident = data.incident as IncidentSnapshot
    const plan = planRoute(this.routes, incident, data.channels, this.options.repeatIntervalMs)
    const wanted = data.event === 'test' ? data.channels : recipients(plan, data.event)
    const known = new Set((await this.directory.all()).map((c) => c.name))
    const names = wanted.filter((n) => known.has(n))
    const unknownChannels = wanted.filter((n) => !known.has(n))
    if (unknownChannels.length > 0)
      this.logger.warn('notification for unknown channels', {
        channels: unknownChannels,
        incident: incident.id,
      })
    const key = data.key ?? eventKey(data, t)
    const list = names.map((channel) =>
      this.notification(`${key}|${channel}`, data.event, channel, incident, t),
    )
    const statements = insertStatements(list, t)
    if (data.event === 'triggered' && plan.repeatIntervalMs > 0 && names.length > 0)
      statements.push(trackStatement(incident, names, plan.repeatIntervalMs, t))
    if (data.event === 'acknowledged' || data.event === 'resolved')
      statements.push(untrackStatement(incident.id))
    if (statements.length > 0) await this.client.batch(statements, 'write')
    for (const n of list) this.metrics.enqueued.inc({ event: n.event })
    this.sender.kick()
    return { keys: list.map((n) => n.key), unknownChannels }
  }

  /** stopReminders ends the reminders of an incident (it was silenced); a new `triggered` starts them again. */
  async stopReminders(incidentId: string): Promise<void> {
    await this.client.execute(untrackStatement(incidentId))
  }

  /** test queues a test notification to one channel and waits for its first attempt. */
  async test(name: string): Promise<OutboxRow> {
    const channel = await this.directory.get(name)
    if (!channel) throw new NotFoundError(`no channel ${name}`)
    const t = this.now()
    const incident: IncidentSnapshot = {
      id: `test:${name}`,
      fingerprint: `vigil-test-${name}`,
      title: `Test notification from vigil to ${name}`,
      severity: 'low',
      status: 'triggered',
      labels: { channel: name },
      annotations: { summary: 'If you can read this, the channel works.' },
      startedAt: t,
    }
    const n = this.notification(`test:${name}:${randomUUID()}`, 'test', name, incident, t)
    await this.client.batch(insertStatements([n], t), 'write')
    this.metrics.enqueued.inc({ event: 'test' })
    this.sender.kick()
    const id = (await outboxIdByKey(this.client, n.key))!
    const deadline = Date.now() + this.options.timeoutMs + 2000
    for (;;) {
      const row = (await outboxRow(this.client, id))!
      if (row.attempts > 0 || row.status === 'delivered' || row.status === 'failed') return row
      if (Date.now() > deadline) return row
      await new Promise((r) => setTimeout(r, 25))
    }
  }

  /** deliveries is the delivery log of one incident (oldest first). */
  deliveries(incidentId: string, limit = 500): Promise<Delivery[]> {
    return deliveriesFor(this.client, incidentId, limit)
  }

  /** run delivers until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    await this.directory.refresh()
    await this.sender.run(signal)
  }

  /** remind enqueues a `repeat` for every open incident whose reminder is due. */
  private async remind(t: number): Promise<void> {
    for (const tracked of await dueRepeats(this.client, t, 100)) {
      const n = tracked.repeats + 1
      const list = tracked.channels.map((channel) =>
        this.notification(
          `${tracked.incident.id}:repeat:${tracked.incident.startedAt}:${n}|${channel}`,
          'repeat',
          channel,
          tracked.incident,
          t,
        ),
      )
      await this.client.batch([...insertStatements(list, t), bumpStatement(tracked, t)], 'write')
      for (const _ of list) this.metrics.enqueued.inc({ event: 'repeat' })
    }
  }

  private notification(
    key: string,
    event: Notification['event'],
    channel: string,
    incident: IncidentSnapshot,
    t: number,
  ): Notification {
    return { key, event, channel, incident, createdAt: t }
  }
}
