/**
 * Formatting and label helpers shared by the evaluator: sample values written exactly like
 * Prometheus's API (Go's strconv.FormatFloat(v, 'f', -1, 64), `NaN`, `+Inf`, `-Inf`), label-set
 * keys, ordering and printing. Derived label sets are cached per object, because the evaluator
 * reuses the same label objects step after step.
 */
import type { Labels } from '../types.ts'

/** formatValue writes a float like Go's strconv.FormatFloat(v, 'f', -1, 64) as Prometheus does. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  if (v === 0) return Object.is(v, -0) ? '-0' : '0'
  // JS and Go both produce the shortest digits that round-trip; only the notation differs.
  const s = String(v)
  const e = s.indexOf('e')
  if (e < 0) return s
  const neg = s.startsWith('-')
  const mantissa = s.slice(neg ? 1 : 0, e)
  const exp = Number(s.slice(e + 1))
  const dot = mantissa.indexOf('.')
  const intPart = dot < 0 ? mantissa : mantissa.slice(0, dot)
  const digits = dot < 0 ? mantissa : intPart + mantissa.slice(dot + 1)
  const point = intPart.length + exp
  let out: string
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length)
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`
  return neg ? `-${out}` : out
}

/** formatTime writes a ms timestamp as the float seconds Prometheus's API uses. */
export function formatTime(ms: number): number {
  return ms / 1000
}

/** emptyLabels is the shared empty label set (scalars in range results, `vector(s)`). */
export const emptyLabels: Labels = Object.freeze({}) as Labels

const keyCache = new WeakMap<Labels, string>()

/** labelsKey returns an unambiguous string identifying a label set (cached per object). */
export function labelsKey(labels: Labels): string {
  let key = keyCache.get(labels)
  if (key === undefined) {
    const names = Object.keys(labels).sort()
    key = JSON.stringify(names.map((n) => [n, labels[n]]))
    keyCache.set(labels, key)
  }
  return key
}

const dropCache = new WeakMap<Labels, Labels>()

/** dropMetricName returns the labels without `__name__` (the same object if there is none). */
export function dropMetricName(labels: Labels): Labels {
  if (!('__name__' in labels)) return labels
  let out = dropCache.get(labels)
  if (out === undefined) {
    const { __name__: _, ...rest } = labels
    out = rest
    dropCache.set(labels, out)
  }
  return out
}

/** keepLabels returns only the named labels that are present. */
export function keepLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Labels = {}
  for (const n of names) {
    const v = labels[n]
    if (v !== undefined && v !== '') out[n] = v
  }
  return out
}

/** withoutLabels returns the labels minus the named ones. */
export function withoutLabels(labels: Labels, names: readonly string[]): Labels {
  const out: Labels = {}
  for (const n of Object.keys(labels)) if (!names.includes(n)) out[n] = labels[n]!
  return out
}

/** sortedPairs returns the label pairs sorted by name, the form labels.Compare works on. */
export function sortedPairs(labels: Labels): [string, string][] {
  return Object.keys(labels)
    .sort()
    .map((n) => [n, labels[n]!])
}

/** comparePairs orders sorted label pairs like Prometheus's labels.Compare. */
export function comparePairs(a: [string, string][], b: [string, string][]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const [x, xv] = a[i]!
    const [y, yv] = b[i]!
    if (x !== y) return x < y ? -1 : 1
    if (xv !== yv) return xv < yv ? -1 : 1
  }
  return a.length - b.length
}

/** sortByLabels sorts items by their label sets like Prometheus's labels.Compare. */
export function sortByLabels<T>(items: T[], labelsOf: (item: T) => Labels): T[] {
  return items
    .map((item) => ({ item, pairs: sortedPairs(labelsOf(item)) }))
    .sort((a, b) => comparePairs(a.pairs, b.pairs))
    .map((d) => d.item)
}

/** formatLabels prints a label set like Prometheus's Labels.String (`{a="1", b="2"}`). */
export function formatLabels(labels: Labels): string {
  const names = Object.keys(labels).sort()
  return `{${names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(', ')}}`
}
