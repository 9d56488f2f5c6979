/** Plain types of the notifications domain: incidents as notifications see them, events, outcomes. */

/** severities in rising order; the same scale as anomalies and alert rules. */
export const severities = ['low', 'medium', 'high', 'critical'] as const

/** Severity is one entry of `severities`. */
export type Severity = (typeof severities)[number]

/** notifyEvents are the incident changes a notification is sent for. */
export const notifyEvents = ['triggered', 'acknowledged', 'resolved', 'repeat', 'test'] as const

/** NotifyEvent is one entry of `notifyEvents`. */
export type NotifyEvent = (typeof notifyEvents)[number]

/** channelTypes are the kinds of receiver vigil can send to. */
export const channelTypes = ['slack', 'webhook', 'email', 'pagerduty'] as const

/** ChannelType is one entry of `channelTypes`. */
export type ChannelType = (typeof channelTypes)[number]

/** IncidentStatus is where an incident is in its lifecycle. */
export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved'

/** IncidentSnapshot is an incident as it was when the event happened; times are epoch ms. */
export interface IncidentSnapshot {
  id: string
  fingerprint: string
  title: string
  severity: Severity
  status: IncidentStatus
  labels: Record<string, string>
  annotations: Record<string, string>
  /** url links back to the incident; built from VIGIL_PUBLIC_URL when absent. */
  url?: string | undefined
  startedAt: number
  acknowledgedAt?: number | undefined
  acknowledgedBy?: string | undefined
  resolvedAt?: number | undefined
  rule?: string | undefined
  count?: number | undefined
}

/** Notification is one message for one channel: what every renderer takes. */
export interface Notification {
  /** key is the idempotency key of this (event, channel) pair; receivers may dedupe on it. */
  key: string
  event: NotifyEvent
  channel: string
  incident: IncidentSnapshot
  /** createdAt is when the event was enqueued (epoch ms). */
  createdAt: number
}

/** RenderContext is everything a renderer may know besides the notification: no clock reads. */
export interface RenderContext {
  now: number
  publicUrl: string | undefined
  version: string
}

/**
 * SendResult is the outcome of one attempt: delivered, or failed with whether to try again (5xx,
 * timeouts, 429, network errors) and how long the receiver asked us to wait (Retry-After).
 */
export type SendResult =
  | { ok: true; status?: number | undefined; detail?: string | undefined }
  | {
      ok: false
      retry: boolean
      status?: number | undefined
      error: string
      retryAfterMs?: number | undefined
    }

/** SendContext is what `send` gets besides the config: the render context and the attempt timeout. */
export interface SendContext extends RenderContext {
  timeoutMs: number
  signal?: AbortSignal | undefined
}
