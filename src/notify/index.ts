/**
 * Notifications: tells people about incidents through channels (Slack, a signed webhook, e-mail,
 * PagerDuty), routed by labels and severity, with reminders while unacknowledged. Every event is
 * written to a durable outbox before `enqueue` returns; a background sender delivers each row
 * with retries, backoff, Retry-After, a per-channel circuit breaker and rate limit, and logs
 * every attempt. Channels live in the database (secrets encrypted) or in the notify file.
 */
import type { Client } from '@libsql/client'
import type { Registry } from 'prom-client'
import type { Config } from '../config.ts'
import type { Logger } from '../obs/logger.ts'
import { ChannelDirectory } from './directory.ts'
import { readNotifyFile } from './file.ts'
import { registerNotifyMetrics } from './metrics.ts'
import { Notifier } from './notifier.ts'
import type { NotifyOptions } from './options.ts'
import { createSecretBox, loadKey } from './secret-box.ts'

export { channels } from './channels/index.ts'
export { Notifier, type EnqueueInput, type EnqueueResult } from './notifier.ts'
export { notifyRoutes, presentDelivery } from './routes.ts'
export type { IncidentSnapshot, NotifyEvent, Severity } from './types.ts'
export type { NotifyOptions } from './options.ts'

/** notifyOptions reads the notifier's options from the config. */
export function notifyOptions(config: Config): NotifyOptions {
  const n = config.notify
  return {
    publicUrl: config.publicUrl,
    timeoutMs: n.timeoutMs,
    maxAttempts: n.maxAttempts,
    backoff: { baseMs: n.backoffMs, maxMs: n.backoffMaxMs },
    breaker: { threshold: n.breakerThreshold, cooldownMs: n.breakerCooldownMs },
    repeatIntervalMs: n.repeatIntervalMs,
    retentionMs: n.retentionMs,
    concurrency: 8,
    pollMs: 1000,
  }
}

/**
 * createNotifier reads the notify file and the secret key and builds the notifier; it throws
 * (naming the file or setting) when either is invalid. Call `run` to start delivering.
 */
export function createNotifier(
  client: Client,
  config: Config,
  registry: Registry,
  logger: Logger,
  now: () => number,
): Notifier {
  const file = readNotifyFile(config.notify.file)
  const box = createSecretBox(loadKey(config.secretKey, config.dataDir))
  const directory = new ChannelDirectory(client, box, file.channels, now)
  return new Notifier(
    client,
    directory,
    file.routes,
    notifyOptions(config),
    now,
    logger.child({ domain: 'notify' }),
    registerNotifyMetrics(registry),
  )
}
