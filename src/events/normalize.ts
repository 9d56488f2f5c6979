/**
 * Turns an event as a source sent it into an `EventRecord`: severity normalised (Kubernetes'
 * Normal/Warning included), source and kind checked, subject and attributes bounded, an over-long
 * message truncated and flagged. Pure.
 */
import {
  recordName,
  recordTime,
  refuse,
  truncateUtf8,
  wellFormed,
  type RecordRejection,
} from '../ingest/record.ts'
import type { EventRecord, Severity } from './types.ts'

/** EventLimits bound one event; sizes in bytes, times in ms. */
export interface EventLimits {
  maxMessageBytes: number
  maxNameBytes: number
  maxAgeMs: number
  maxFutureMs: number
}

/** maxSubjectBytes bounds the subject (a resource name such as `deploy/api` in `prod`). */
export const maxSubjectBytes = 1024
/** maxAttributesBytes bounds the JSON of the attributes. */
export const maxAttributesBytes = 16 * 1024

const severityNames: Record<string, Severity> = {
  info: 'info',
  normal: 'info',
  notice: 'info',
  debug: 'info',
  low: 'info',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  error: 'error',
  err: 'error',
  high: 'error',
  critical: 'critical',
  crit: 'critical',
  fatal: 'critical',
}

/** normalizeSeverity maps common spellings (any case) to a severity; absent is info. */
export function normalizeSeverity(severity: unknown): Severity | undefined {
  if (severity === undefined || severity === null || severity === '') return 'info'
  if (typeof severity !== 'string' || severity.length > 20) return undefined
  return severityNames[severity.trim().toLowerCase()]
}

/** validateEvent checks one raw event at time `now`; returns the event or why it is refused. */
export function validateEvent(
  raw: unknown,
  now: number,
  limits: EventLimits,
): { ok: true; event: EventRecord } | RecordRejection {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refuse('invalid_record', 'each event must be an object')
  }
  const r = raw as Record<string, unknown>
  const source = recordName('source', r.source, limits.maxNameBytes)
  if (!source.ok) return source
  const kind = recordName('kind', r.kind, limits.maxNameBytes)
  if (!kind.ok) return kind
  const severity = normalizeSeverity(r.severity)
  if (!severity) {
    return refuse(
      'invalid_severity',
      `severity ${JSON.stringify(r.severity)} is not one of info, warning, error, critical`,
    )
  }
  const subject = r.subject ?? ''
  if (typeof subject !== 'string') return refuse('invalid_subject', 'subject must be a string')
  if (subject.length > maxSubjectBytes) {
    return refuse('subject_too_long', `subject is longer than ${maxSubjectBytes} bytes`)
  }
  const message = r.message ?? ''
  if (typeof message !== 'string') return refuse('invalid_message', 'message must be a string')
  const attributes = r.attributes ?? {}
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    return refuse('invalid_attributes', 'attributes must be an object')
  }
  if (JSON.stringify(attributes).length > maxAttributesBytes) {
    return refuse('attributes_too_large', `attributes are larger than ${maxAttributesBytes} bytes`)
  }
  const time = recordTime(r.ts, now, limits.maxAgeMs, limits.maxFutureMs)
  if (!time.ok) return time
  const text = truncateUtf8(wellFormed(message), limits.maxMessageBytes)
  return {
    ok: true,
    event: {
      ts: time.t,
      source: source.name,
      kind: kind.name,
      severity,
      subject: wellFormed(subject),
      message: text.text,
      attributes: attributes as Record<string, unknown>,
      truncated: text.truncated,
    },
  }
}

/** eventLimits reads the event limits from the configuration. */
export function eventLimits(config: {
  ingest: { maxNameBytes: number; maxFutureMs: number }
  logs: { maxMessageBytes: number }
  events: { retentionMs: number }
}): EventLimits {
  return {
    maxMessageBytes: config.logs.maxMessageBytes,
    maxNameBytes: config.ingest.maxNameBytes,
    maxAgeMs: config.events.retentionMs,
    maxFutureMs: config.ingest.maxFutureMs,
  }
}
