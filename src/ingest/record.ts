/**
 * Checks shared by the log and event ingest paths: time, names, labels and message size. Pure: the
 * caller passes `now`. Label rules are the metrics rules (`validateSample`), so a label that a
 * series may carry a log line may carry too, and is refused for the same reason.
 */
import { parseRfc3339, validateSample, type IngestLimits } from '../metrics/validate.ts'

/**
 * recordRejectReasons are the refusals of log and event ingest beyond the metrics ones (labels and
 * time share those), so `vigil_ingest_rejected_total` can show them at 0 from the start.
 */
export const recordRejectReasons = [
  'invalid_record',
  'batch_too_large',
  'invalid_level',
  'invalid_message',
  'invalid_severity',
  'invalid_subject',
  'subject_too_long',
  'invalid_attributes',
  'attributes_too_large',
  ...['service', 'source', 'kind'].flatMap((f) => [
    `missing_${f}`,
    `invalid_${f}`,
    `${f}_too_long`,
  ]),
]

/** RecordRejection is why one log line or event was refused, with a message for the client. */
export interface RecordRejection {
  ok: false
  reason: string
  message: string
}

/** refuse builds a rejection. */
export function refuse(reason: string, message: string): RecordRejection {
  return { ok: false, reason, message }
}

const maxDateMs = 8.64e15

/** recordTime reads `ts` (epoch ms or RFC 3339; absent means now) and checks it lies in bounds. */
export function recordTime(
  ts: unknown,
  now: number,
  maxAgeMs: number,
  maxFutureMs: number,
): { ok: true; t: number } | RecordRejection {
  let t: number | undefined
  if (ts === undefined || ts === null) t = now
  else if (typeof ts === 'number' && Number.isSafeInteger(ts) && Math.abs(ts) <= maxDateMs) t = ts
  else if (typeof ts === 'string') t = parseRfc3339(ts)
  if (t === undefined || Math.abs(t) > maxDateMs) {
    return refuse(
      'invalid_timestamp',
      `ts must be integer epoch milliseconds or an RFC 3339 time, got ${JSON.stringify(ts)}`,
    )
  }
  if (t < now - maxAgeMs) {
    return refuse('too_old', `ts ${new Date(t).toISOString()} is older than the retention`)
  }
  if (t > now + maxFutureMs) {
    return refuse('too_far_in_future', `ts ${new Date(t).toISOString()} is too far ahead`)
  }
  return { ok: true, t }
}

const namePartRe = /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/

/**
 * recordName checks a service, source or kind: a non-empty string of letters, digits and
 * `_ . : @ -` (it appears in URL paths), at most `maxBytes` long.
 */
export function recordName(
  field: string,
  value: unknown,
  maxBytes: number,
): { ok: true; name: string } | RecordRejection {
  if (value === undefined || value === null || value === '') {
    return refuse(`missing_${field}`, `${field} is required`)
  }
  if (typeof value !== 'string') {
    return refuse(`invalid_${field}`, `${field} must be a string, got ${typeof value}`)
  }
  if (value.length > maxBytes) {
    return refuse(`${field}_too_long`, `${field} is ${value.length} bytes, at most ${maxBytes}`)
  }
  if (!namePartRe.test(value)) {
    return refuse(
      `invalid_${field}`,
      `${field} ${JSON.stringify(value)} must match [A-Za-z0-9][A-Za-z0-9_.:@-]*`,
    )
  }
  return { ok: true, name: value }
}

/** recordLabels checks labels with the metrics rules and returns them sorted, empty values dropped. */
export function recordLabels(
  labels: unknown,
  limits: IngestLimits,
): { ok: true; labels: Record<string, string> } | RecordRejection {
  if (labels === undefined || labels === null) return { ok: true, labels: {} }
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    return refuse('invalid_label_name', 'labels must be an object of name → string value')
  }
  const result = validateSample({ name: 'x', labels, value: 0, ts: 0 }, 0, {
    ...limits,
    maxAgeMs: Infinity,
    maxFutureMs: Infinity,
  })
  if (!result.ok) return refuse(result.reason, result.message)
  const { __name__: _name, ...rest } = result.sample.labels
  return { ok: true, labels: rest }
}

const unsafeRe = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\0/g

/**
 * wellFormed replaces unpaired surrogates (text that is not valid UTF-8) and NUL (which SQLite's
 * JSON functions cut text at) with U+FFFD.
 */
export function wellFormed(text: string): string {
  return text.replace(unsafeRe, '\uFFFD')
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** truncateUtf8 cuts `text` to at most `maxBytes` UTF-8 bytes on a character boundary. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  // Every UTF-16 unit is at most 3 UTF-8 bytes: short strings need no encoding at all.
  if (text.length * 3 <= maxBytes) return { text, truncated: false }
  const bytes = encoder.encode(text)
  if (bytes.length <= maxBytes) return { text, truncated: false }
  let end = maxBytes
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  return { text: decoder.decode(bytes.subarray(0, end)), truncated: true }
}
