/**
 * Validation of incoming samples, shared by every ingest format (native JSON, the agent snapshot,
 * remote write, influx, OTLP): each format turns its wire data into `RawSample`s and this module
 * checks names, labels, value and time against `IngestLimits`, returning either a `ValidSample`
 * (see series-key.ts) or one `RejectReason` with a message naming the offending field. Pure: no
 * I/O, no clock (the caller passes `now`), no runtime-specific APIs.
 *
 * Why one file of this size: every ingested sample runs through `validateSample`, and its checks
 * share precompiled patterns and the UTF-8 length shortcut; keeping them together keeps the hot
 * path free of cross-module calls beyond the series-key codec.
 */
import type { Labels } from './types.ts'
import { parseRfc3339 } from './rfc3339.ts'
import {
  CheckedSample,
  escapeValue,
  hashPairs,
  namePattern,
  nameRe,
  quote,
  sortPairs,
  specialRe,
  type ValidSample,
} from './series-key.ts'

export { parseRfc3339 } from './rfc3339.ts'
export {
  labelsHash,
  parseSeriesKey,
  seriesKey,
  validSample,
  type ValidSample,
} from './series-key.ts'

/** IngestLimits bounds what one sample may carry; sizes are in UTF-8 bytes, times in ms. */
export interface IngestLimits {
  /** maxLabels is the most labels a sample may have, `__name__` not counted. */
  maxLabels: number
  /** maxNameBytes bounds the metric name and every label name. */
  maxNameBytes: number
  /** maxValueBytes bounds every label value. */
  maxValueBytes: number
  /** maxAgeMs is how far before now a sample may lie (the raw retention). */
  maxAgeMs: number
  /** maxFutureMs is how far after now a sample may lie. */
  maxFutureMs: number
}

/** defaultIngestLimits are the limits when the configuration sets none. */
export const defaultIngestLimits: IngestLimits = {
  maxLabels: 30,
  maxNameBytes: 128,
  maxValueBytes: 1024,
  maxAgeMs: 15 * 86_400_000,
  maxFutureMs: 10 * 60_000,
}

/** rejectReasons lists every reason validation refuses a sample for, e.g. to pre-create counters. */
export const rejectReasons = [
  'missing_name',
  'invalid_name',
  'name_too_long',
  'invalid_label_name',
  'invalid_label_value',
  'too_many_labels',
  'label_value_too_long',
  'duplicate_label',
  'invalid_utf8',
  'invalid_value',
  'invalid_timestamp',
  'too_old',
  'too_far_in_future',
] as const

/** RejectReason is why validation refused a sample; the label of `vigil_ingest_rejected_total`. */
export type RejectReason = (typeof rejectReasons)[number]

/** RawSample is one sample as a format decoded it, nothing checked yet (e.g. a JSON body's entry). */
export interface RawSample {
  name: unknown
  /** labels is an object of name → value, or a list of `{name, value}` (which may repeat a name). */
  labels?: unknown
  value: unknown
  /** ts is integer epoch milliseconds or an RFC 3339 string; absent means now. */
  ts?: unknown
}

/** Rejection is a refused sample (or label list): the reason and a message for the client. */
export interface Rejection {
  ok: false
  reason: RejectReason
  message: string
}

/** ValidationResult is what `validateSample` returns. */
export type ValidationResult = { ok: true; sample: ValidSample } | Rejection

// Without the `u` flag a regex sees UTF-16 code units, so this finds unpaired surrogates: the
// only way a JS string can fail to be valid UTF-8.
const loneSurrogateRe = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const numericRe = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
// Date can represent ±8.64e15 ms around the epoch; beyond that a time cannot even be printed.
const maxDateMs = 8.64e15

function reject(reason: RejectReason, message: string): Rejection {
  return { ok: false, reason, message }
}

/** describe names what was given where something else was expected, e.g. `number 5`. */
function describe(x: unknown): string {
  if (x === null) return 'null'
  if (x === undefined) return 'nothing'
  if (typeof x === 'string') return `string ${quote(x)}`
  if (typeof x === 'number' || typeof x === 'boolean') return `${typeof x} ${String(x)}`
  if (Array.isArray(x)) return 'an array'
  return typeof x === 'object' ? 'an object' : typeof x
}

/** utf8Length counts the UTF-8 bytes of a string (an unpaired surrogate counts as U+FFFD, 3). */
function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4
        i++
      } else n += 3
    } else n += 3
  }
  return n
}

/** byteLengthOver tells whether a string is longer than `limit` UTF-8 bytes, counting only if needed. */
function byteLengthOver(s: string, limit: number): boolean {
  // A UTF-16 code unit is at most 3 UTF-8 bytes (a pair, 2 units, is 4), and at least 1.
  if (s.length * 3 <= limit) return false
  if (s.length > limit) return true
  return utf8Length(s) > limit
}

/** labelsFromPairs turns a label list (remote write, OTLP) into labels, refusing a repeated name. */
export function labelsFromPairs(
  pairs: readonly (readonly [string, string])[],
): { ok: true; labels: Labels } | Rejection {
  const seen = new Set<string>()
  for (const [name] of pairs) {
    if (seen.has(name)) return reject('duplicate_label', `label ${quote(name)} appears twice`)
    seen.add(name)
  }
  // fromEntries defines own properties, so even a name like "__proto__" stays a plain label.
  return { ok: true, labels: Object.fromEntries(pairs) as Labels }
}

function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}

/**
 * validateSample checks one raw sample against the limits at time `now` (epoch ms) and returns
 * the valid sample or the first reason to refuse it.
 */
export function validateSample(
  raw: RawSample,
  now: number,
  limits: IngestLimits,
): ValidationResult {
  // Metric name. Valid names are ASCII, so their length is their byte count.
  const name = raw.name
  if (name === undefined || name === null || name === '') {
    return reject('missing_name', 'metric name is required')
  }
  if (typeof name !== 'string') {
    return reject('invalid_name', `metric name must be a string, got ${describe(name)}`)
  }
  if (name.length > limits.maxNameBytes) {
    return reject(
      'name_too_long',
      `metric name ${quote(name)} is ${utf8Length(name)} bytes, at most ${limits.maxNameBytes}`,
    )
  }
  if (!nameRe.test(name)) {
    return reject('invalid_name', `metric name ${quote(name)} must match ${namePattern}`)
  }

  // Labels, as an object or a list of {name, value}.
  const names: string[] = []
  const values: string[] = []
  const escaped: string[] = []
  const input = raw.labels
  if (input !== undefined && input !== null) {
    if (typeof input !== 'object') {
      return reject(
        'invalid_label_name',
        `labels must be an object of name → value or a list of {name, value}, got ${describe(input)}`,
      )
    }
    if (Array.isArray(input)) {
      const seen = input.length > 1 ? new Set<string>() : undefined
      for (let i = 0; i < input.length; i++) {
        const pair: unknown = input[i]
        if (typeof pair !== 'object' || pair === null || Array.isArray(pair)) {
          return reject(
            'invalid_label_name',
            `labels[${i}] must be {name, value}, got ${describe(pair)}`,
          )
        }
        const { name: n, value: v } = pair as { name?: unknown; value?: unknown }
        if (typeof n !== 'string') {
          return reject(
            'invalid_label_name',
            `labels[${i}].name must be a string, got ${describe(n)}`,
          )
        }
        if (seen) {
          if (seen.has(n)) return reject('duplicate_label', `label ${quote(n)} appears twice`)
          seen.add(n)
        }
        const problem = checkLabel(n, v, names, values, escaped, limits)
        if (problem) return problem
      }
    } else {
      const object = input as Record<string, unknown>
      for (const n in object) {
        if (!Object.hasOwn(object, n)) continue
        const problem = checkLabel(n, object[n], names, values, escaped, limits)
        if (problem) return problem
      }
    }
  }

  // Value: a finite number, a numeric string, or "NaN" (the staleness marker).
  const value = raw.value
  let v = Number.NaN
  if (value !== 'NaN') {
    if (typeof value === 'number') v = value
    else if (typeof value === 'string' && numericRe.test(value)) v = Number(value)
    if (!Number.isFinite(v)) {
      return reject(
        'invalid_value',
        `value must be a finite number or "NaN", got ${describe(value)}`,
      )
    }
  }

  // Time: absent means now.
  const ts = raw.ts
  let t: number
  if (ts === undefined || ts === null) t = now
  else if (typeof ts === 'number' && Number.isSafeInteger(ts) && Math.abs(ts) <= maxDateMs) t = ts
  else {
    const parsed = typeof ts === 'string' ? parseRfc3339(ts) : undefined
    if (parsed === undefined || Math.abs(parsed) > maxDateMs) {
      return reject(
        'invalid_timestamp',
        `ts must be integer epoch milliseconds or an RFC 3339 time, got ${describe(ts)}`,
      )
    }
    t = parsed
  }
  if (t < now - limits.maxAgeMs) {
    return reject(
      'too_old',
      `ts ${new Date(t).toISOString()} is more than ${formatDuration(limits.maxAgeMs)} old ` +
        `(the oldest accepted is ${new Date(now - limits.maxAgeMs).toISOString()})`,
    )
  }
  if (t > now + limits.maxFutureMs) {
    return reject(
      'too_far_in_future',
      `ts ${new Date(t).toISOString()} is more than ${formatDuration(limits.maxFutureMs)} ahead ` +
        `(the latest accepted is ${new Date(now + limits.maxFutureMs).toISOString()})`,
    )
  }

  sortPairs(names, values, escaped)
  return {
    ok: true,
    sample: new CheckedSample(name, names, values, escaped, hashPairs(name, names, values), t, v),
  }
}

/**
 * checkLabel validates one label and appends it (and its value escaped for the key) unless its
 * value is empty; returns the refusal if any.
 */
function checkLabel(
  n: string,
  v: unknown,
  names: string[],
  values: string[],
  escaped: string[],
  limits: IngestLimits,
): Rejection | undefined {
  if (n.length > limits.maxNameBytes) {
    return reject(
      'name_too_long',
      `label name ${quote(n)} is ${utf8Length(n)} bytes, at most ${limits.maxNameBytes}`,
    )
  }
  if (!nameRe.test(n)) {
    return reject('invalid_label_name', `label name ${quote(n)} must match ${namePattern}`)
  }
  if (n.charCodeAt(0) === 0x5f && n.charCodeAt(1) === 0x5f) {
    return reject('invalid_label_name', `label name ${quote(n)} must not start with __ (reserved)`)
  }
  if (typeof v !== 'string') {
    return reject(
      'invalid_label_value',
      `label ${quote(n)} value must be a string, got ${describe(v)}`,
    )
  }
  // An empty value means the label is absent (Prometheus semantics).
  if (v === '') return undefined
  if (byteLengthOver(v, limits.maxValueBytes)) {
    return reject(
      'label_value_too_long',
      `label ${quote(n)} value is ${utf8Length(v)} bytes, at most ${limits.maxValueBytes}`,
    )
  }
  const special = specialRe.test(v)
  if (special && loneSurrogateRe.test(v)) {
    return reject('invalid_utf8', `label ${quote(n)} value is not valid UTF-8 (unpaired surrogate)`)
  }
  if (names.length >= limits.maxLabels) {
    return reject('too_many_labels', `more than ${limits.maxLabels} labels`)
  }
  names.push(n)
  values.push(v)
  escaped.push(special ? escapeValue(v) : v)
  return undefined
}
