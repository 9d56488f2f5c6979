/**
 * Validation of incoming samples, shared by every ingest format (native JSON, the agent snapshot,
 * remote write, influx, OTLP): each format turns its wire data into `RawSample`s and this module
 * checks names, labels, value and time against `IngestLimits`, returning either a `ValidSample`
 * with sorted labels and its canonical series key, or one `RejectReason` with a message naming the
 * offending field. Pure: no I/O, no clock (the caller passes `now`), no runtime-specific APIs.
 *
 * Why one file of this size: every ingested sample runs through `validateSample`, and its checks share
 * precompiled patterns, the UTF-8 length shortcut and the key builder with `seriesKey`; keeping them
 * together keeps the hot path free of cross-module calls. Splitting the RFC 3339 parser and the
 * series-key codec out is the next step when this grows.
 */
import { ValidationError } from '../errors.ts'
import type { Labels } from './types.ts'

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

/** ValidSample is a checked sample, ready for the engine. */
export interface ValidSample {
  /** labels include `__name__`; keys are sorted, empty values dropped. */
  readonly labels: Labels
  /** key is the canonical series key, e.g. `name{a="1",b="2"}` (see `seriesKey`). */
  readonly key: string
  /** hash is a 32-bit hash of the label set: equal sets, equal hashes (see `labelsHash`). */
  readonly hash: number
  readonly t: number
  readonly v: number
  /** sameSeries tells whether stored labels, which have `count` entries, are this sample's set. */
  sameSeries(labels: Labels, count: number): boolean
}

/**
 * CheckedSample is what validation returns. The label object and the key are made only when
 * asked for: the engine finds known series by hash and `sameSeries`, so the hot path builds
 * neither for the samples of series it already has.
 */
class CheckedSample implements ValidSample {
  private labelsMemo: Labels | undefined
  private keyMemo: string | undefined

  constructor(
    private readonly name: string,
    private readonly names: string[],
    private readonly values: string[],
    private readonly escaped: string[],
    readonly hash: number,
    readonly t: number,
    readonly v: number,
  ) {}

  get labels(): Labels {
    return (this.labelsMemo ??= buildLabels(this.name, this.names, this.values))
  }

  get key(): string {
    return (this.keyMemo ??= formatKey(this.name, this.names, this.escaped))
  }

  sameSeries(labels: Labels, count: number): boolean {
    const names = this.names
    if (count !== names.length + 1 || labels.__name__ !== this.name) return false
    for (let i = 0; i < names.length; i++) if (labels[names[i]!] !== this.values[i]) return false
    return true
  }
}

/**
 * hashPairs is FNV-1a in two lanes over the name and the sorted label pairs, each string ended by
 * a code that no JS string unit takes, mixed into a signed 32-bit integer: the key kind a Map
 * looks up fastest. Collisions are rare and harmless (the index checks the labels).
 */
function hashPairs(name: string, names: string[], values: string[]): number {
  let a = 0x811c9dc5
  let b = 0x01000193
  const mix = (text: string, end: number) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x5bd1e995)
    }
    a = Math.imul(a ^ end, 0x01000193)
    b = Math.imul(b ^ end, 0x5bd1e995)
  }
  mix(name, 0x10000)
  for (let i = 0; i < names.length; i++) {
    mix(names[i]!, 0x10001)
    mix(values[i]!, 0x10002)
  }
  return (a ^ Math.imul(b ^ (b >>> 15), 0x2c1b3c6d)) | 0
}

/** labelsHash is the hash of a label set (empty values left out), the one samples carry. */
export function labelsHash(labels: Labels): number {
  const { names, values } = sortedLabels(labels)
  return hashPairs(labels.__name__ ?? '', names, values)
}

/** validSample makes a ValidSample from known-good labels (tests, internal counters). */
export function validSample(labels: Labels, t: number, v: number): ValidSample {
  const { names, values } = sortedLabels(labels)
  const name = labels.__name__ ?? ''
  return new CheckedSample(
    name,
    names,
    values,
    values.map(escapeValue),
    hashPairs(name, names, values),
    t,
    v,
  )
}

/** Rejection is a refused sample (or label list): the reason and a message for the client. */
export interface Rejection {
  ok: false
  reason: RejectReason
  message: string
}

/** ValidationResult is what `validateSample` returns. */
export type ValidationResult = { ok: true; sample: ValidSample } | Rejection

const namePattern = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const nameRe = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
// Without the `u` flag a regex sees UTF-16 code units, so this finds unpaired surrogates: the
// only way a JS string can fail to be valid UTF-8.
const loneSurrogateRe = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// A character a key must escape, or any surrogate: one cheap test, false for nearly every value.
const specialRe = /[\\"\n\uD800-\uDFFF]/
const escapeAllRe = /[\\"\n]/g
const numericRe = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
// Date can represent ±8.64e15 ms around the epoch; beyond that a time cannot even be printed.
const maxDateMs = 8.64e15

function reject(reason: RejectReason, message: string): Rejection {
  return { ok: false, reason, message }
}

/** quote renders an input string for a message: JSON-quoted, cut to 64 characters. */
function quote(s: string): string {
  return s.length > 64 ? `${JSON.stringify(s.slice(0, 64))}…` : JSON.stringify(s)
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

function escapeValue(v: string): string {
  if (!specialRe.test(v)) return v
  return v.replace(escapeAllRe, (c) => (c === '\n' ? '\\n' : `\\${c}`))
}

/**
 * formatKey builds the series key from a metric name and label names and escaped values sorted
 * by name, `__name__` excluded. A name that is not a valid metric name goes inside the braces.
 */
function formatKey(name: string | undefined, names: string[], escaped: string[]): string {
  let out = ''
  let sep = ''
  if (name !== undefined && name !== '') {
    if (nameRe.test(name)) out = name
    else {
      out = `{__name__="${escapeValue(name)}"`
      sep = ','
    }
  }
  if (names.length === 0) return sep ? `${out}}` : out
  if (!sep) out += '{'
  for (let i = 0; i < names.length; i++) {
    out += `${sep}${names[i]}="${escaped[i]}"`
    sep = ','
  }
  return `${out}}`
}

/** buildLabels makes the sorted label object: `__name__` in its place among the sorted names. */
function buildLabels(name: string | undefined, names: string[], values: string[]): Labels {
  const labels: Labels = {}
  let placed = name === undefined || name === ''
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!
    if (!placed && n > '__name__') {
      labels.__name__ = name!
      placed = true
    }
    labels[n] = values[i]!
  }
  if (!placed) labels.__name__ = name!
  return labels
}

/**
 * sortPairs sorts parallel name/value arrays by name, and a third array along if given
 * (insertion sort: label sets are small, and often sorted already).
 */
function sortPairs(names: string[], values: string[], third?: string[]): void {
  for (let i = 1; i < names.length; i++) {
    const n = names[i]!
    if (!(names[i - 1]! > n)) continue
    const v = values[i]!
    const w = third?.[i]
    let j = i - 1
    while (j >= 0 && names[j]! > n) {
      names[j + 1] = names[j]!
      values[j + 1] = values[j]!
      if (third) third[j + 1] = third[j]!
      j--
    }
    names[j + 1] = n
    values[j + 1] = v
    if (third) third[j + 1] = w!
  }
}

function sortedLabels(labels: Labels): { names: string[]; values: string[] } {
  const names: string[] = []
  const values: string[] = []
  for (const n in labels) {
    if (n === '__name__' || !Object.hasOwn(labels, n)) continue
    const v = labels[n]!
    if (v === '') continue
    names.push(n)
    values.push(v)
  }
  sortPairs(names, values)
  return { names, values }
}

/** seriesKey renders labels canonically: `name{a="1",b="2"}`, sorted, empty values left out. */
export function seriesKey(labels: Labels): string {
  const { names, values } = sortedLabels(labels)
  return formatKey(labels.__name__, names, values.map(escapeValue))
}

/** parseSeriesKey reads a key written by `seriesKey` back into labels; throws ValidationError. */
export function parseSeriesKey(key: string): Labels {
  const fail = (why: string): never => {
    throw new ValidationError(`series key ${quote(key)}: ${why}`, { code: 'invalid_series_key' })
  }
  let i = 0
  let name: string | undefined
  const brace = key.indexOf('{')
  if (brace !== 0) {
    name = brace < 0 ? key : key.slice(0, brace)
    if (!nameRe.test(name)) fail(`metric name must match ${namePattern}`)
    if (brace < 0) return { __name__: name }
    i = brace
  }
  i++ // past '{'
  const names: string[] = []
  const values: string[] = []
  const seen = new Set<string>()
  if (key[i] === '}' && i === key.length - 1 && name !== undefined) return { __name__: name }
  for (;;) {
    const eq = key.indexOf('="', i)
    if (eq < 0) fail(`expected label="value" at offset ${i}`)
    const label = key.slice(i, eq)
    if (!nameRe.test(label)) fail(`label name ${quote(label)} must match ${namePattern}`)
    if (seen.has(label)) fail(`label ${quote(label)} appears twice`)
    seen.add(label)
    i = eq + 2
    let value = ''
    let start = i
    for (;;) {
      if (i >= key.length) fail('unterminated label value')
      const c = key.charCodeAt(i)
      if (c === 0x22 /* " */) break
      if (c === 0x5c /* \ */) {
        const e = key[i + 1]
        const decoded = e === '\\' ? '\\' : e === '"' ? '"' : e === 'n' ? '\n' : undefined
        if (decoded === undefined) fail(`bad escape at offset ${i}`)
        value += key.slice(start, i) + decoded
        i += 2
        start = i
      } else i++
    }
    value += key.slice(start, i)
    i++ // past the closing quote
    if (label === '__name__') {
      if (name !== undefined) fail('metric name given twice')
      name = value
    } else {
      names.push(label)
      values.push(value)
    }
    if (key[i] === ',') i++
    else if (key[i] === '}' && i === key.length - 1) break
    else fail(`expected , or } at offset ${i}`)
  }
  sortPairs(names, values)
  return buildLabels(name, names, values)
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

/**
 * parseRfc3339 reads an RFC 3339 time (`Z` or a numeric offset, fractional seconds rounded down
 * to the millisecond) into epoch ms; undefined if the text is not one.
 */
export function parseRfc3339(text: string): number | undefined {
  // Hand-written rather than a regex: this runs once per sample in timestamped batches.
  const n = text.length
  if (n < 20) return undefined
  const c = (i: number) => text.charCodeAt(i)
  if (
    c(4) !== 0x2d ||
    c(7) !== 0x2d ||
    (c(10) | 0x20) !== 0x74 ||
    c(13) !== 0x3a ||
    c(16) !== 0x3a
  ) {
    return undefined // YYYY-MM-DDTHH:MM:SS, T in either case
  }
  const year = digits(text, 0, 4)
  const month = digits(text, 5, 2)
  const day = digits(text, 8, 2)
  const hour = digits(text, 11, 2)
  const minute = digits(text, 14, 2)
  const second = digits(text, 17, 2)
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined
  }
  let i = 19
  let ms = 0
  if (c(i) === 0x2e /* . */) {
    const start = ++i
    while (i < n && c(i) >= 0x30 && c(i) <= 0x39) {
      if (i - start < 3) ms = ms * 10 + c(i) - 0x30
      i++
    }
    if (i === start) return undefined
    for (let k = i - start; k < 3; k++) ms *= 10
  }
  let offset = 0
  const z = c(i)
  if ((z | 0x20) === 0x7a /* Z */) {
    if (i + 1 !== n) return undefined
  } else if (z === 0x2b || z === 0x2d) {
    // ±HH:MM
    if (i + 6 !== n || c(i + 3) !== 0x3a) return undefined
    const oh = digits(text, i + 1, 2)
    const om = digits(text, i + 4, 2)
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined
    offset = (z === 0x2d ? -1 : 1) * (oh * 60 + om) * 60_000
  } else return undefined
  const days = daysFromCivil(year, month, day)
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms - offset
}

/** digits reads `count` decimal digits at `at`; -1 if any is not a digit. */
function digits(text: string, at: number, count: number): number {
  let v = 0
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) return -1
    v = v * 10 + d
  }
  return v
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** daysFromCivil counts days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
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
