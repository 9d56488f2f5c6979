/**
 * The series-key codec and the validated sample: a sample's label set in canonical form
 * (`name{a="1",b="2"}`, names sorted, values escaped), its 32-bit hash, and `CheckedSample`,
 * which builds its label object and key only when asked (the engine finds known series by hash).
 */
import { ValidationError } from '../errors.ts'
import type { Labels } from './types.ts'

/** namePattern is what metric and label names must match, for messages. */
export const namePattern = '[a-zA-Z_:][a-zA-Z0-9_:]*'
/** nameRe tests a metric or label name. */
export const nameRe = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
/** specialRe finds a character a key must escape, or any surrogate: false for nearly every value. */
export const specialRe = /[\\"\n\uD800-\uDFFF]/
const escapeAllRe = /[\\"\n]/g

/** quote renders an input string for a message: JSON-quoted, cut to 64 characters. */
export function quote(s: string): string {
  return s.length > 64 ? `${JSON.stringify(s.slice(0, 64))}…` : JSON.stringify(s)
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
export class CheckedSample implements ValidSample {
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
export function hashPairs(name: string, names: string[], values: string[]): number {
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

/** escapeValue escapes a label value for the key: backslash, double quote and newline. */
export function escapeValue(v: string): string {
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
export function sortPairs(names: string[], values: string[], third?: string[]): void {
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
