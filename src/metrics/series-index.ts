/**
 * The in-memory series index: label-set hash → id (checked against the labels, so collisions
 * are harmless), id → labels, and an inverted index (label name → value → ids) for selectors. Loaded from `metric_series` at start; new series get
 * ids here and are persisted in the same transaction as the WAL row that first mentions them.
 */
import type { Labels, Matcher } from './types.ts'
import { labelsHash, type ValidSample } from './validate.ts'

/** SeriesIndex finds series by their samples' label sets and by label matchers. */
export class SeriesIndex {
  /** byHash finds series by `labelsHash`: one id, or the few that share a hash. */
  private readonly byHash = new Map<number, number | number[]>()
  private readonly labelsById = new Map<number, Labels>()
  private readonly labelCount = new Map<number, number>()
  private readonly postings = new Map<string, Map<string, Set<number>>>()
  private readonly regexes = new Map<string, RegExp>()
  private nextId = 1

  /** size is the number of series. */
  get size(): number {
    return this.labelsById.size
  }

  /** add registers a series with a known id (loading) and returns it. */
  add(id: number, labels: Labels): number {
    this.labelsById.set(id, labels)
    this.labelCount.set(id, Object.keys(labels).length)
    const hash = labelsHash(labels)
    const same = this.byHash.get(hash)
    this.byHash.set(hash, same === undefined ? id : [...(Array.isArray(same) ? same : [same]), id])
    for (const [name, value] of Object.entries(labels)) {
      let values = this.postings.get(name)
      if (!values) this.postings.set(name, (values = new Map()))
      let ids = values.get(value)
      if (!ids) values.set(value, (ids = new Set()))
      ids.add(id)
    }
    if (id >= this.nextId) this.nextId = id + 1
    return id
  }

  /** create gives a new series the next id. */
  create(labels: Labels): number {
    return this.add(this.nextId, labels)
  }

  /** remove forgets a series (when its creation could not be persisted). */
  remove(id: number): void {
    const labels = this.labelsById.get(id)
    if (!labels) return
    this.labelsById.delete(id)
    this.labelCount.delete(id)
    const hash = labelsHash(labels)
    const same = this.byHash.get(hash)
    const rest = (Array.isArray(same) ? same : [same]).filter((x) => x !== id)
    if (rest.length === 0) this.byHash.delete(hash)
    else this.byHash.set(hash, rest.length === 1 ? rest[0]! : (rest as number[]))
    for (const [name, value] of Object.entries(labels))
      this.postings.get(name)?.get(value)?.delete(id)
  }

  /** find returns the id of a sample's series, by hash and a check of its labels. */
  find(sample: ValidSample): number | undefined {
    const same = this.byHash.get(sample.hash)
    if (same === undefined) return undefined
    if (typeof same === 'number') return this.holds(same, sample) ? same : undefined
    for (const id of same) if (this.holds(id, sample)) return id
    return undefined
  }

  private holds(id: number, sample: ValidSample): boolean {
    const entry = this.labelsById.get(id)!
    return sample.sameSeries(entry, this.labelCount.get(id)!)
  }

  /** labels returns the labels of a series. */
  labels(id: number): Labels | undefined {
    return this.labelsById.get(id)
  }

  /** match returns the ids of the series every matcher accepts, in id order. */
  match(matchers: Matcher[]): number[] {
    let candidates: Iterable<number> | undefined
    // Start from the smallest posting list among equality matchers on non-empty values.
    for (const m of matchers) {
      if (m.op !== '=' || m.value === '') continue
      const ids = this.postings.get(m.name)?.get(m.value)
      if (!ids) return []
      if (!candidates || ids.size < (candidates as Set<number>).size) candidates = ids
    }
    candidates ??= this.labelsById.keys()
    const out: number[] = []
    for (const id of candidates) {
      const labels = this.labelsById.get(id)!
      if (matchers.every((m) => this.test(m, labels[m.name] ?? ''))) out.push(id)
    }
    return out.sort((a, b) => a - b)
  }

  /** accepts tells whether every matcher accepts the labels of series `id` (false when unknown). */
  accepts(id: number, matchers: Matcher[]): boolean {
    const labels = this.labelsById.get(id)
    return labels !== undefined && matchers.every((m) => this.test(m, labels[m.name] ?? ''))
  }

  /** labelNames returns every label name (of the given series, or of all). */
  labelNames(ids?: number[]): string[] {
    if (!ids) return [...this.postings.keys()].filter((n) => this.hasValues(n)).sort()
    const names = new Set<string>()
    for (const id of ids)
      for (const name of Object.keys(this.labelsById.get(id) ?? {})) names.add(name)
    return [...names].sort()
  }

  /** labelValues returns the values of a label (among the given series, or all). */
  labelValues(name: string, ids?: number[]): string[] {
    if (!ids) {
      const values = this.postings.get(name)
      return values
        ? [...values]
            .filter(([, s]) => s.size > 0)
            .map(([v]) => v)
            .sort()
        : []
    }
    const values = new Set<string>()
    for (const id of ids) {
      const value = this.labelsById.get(id)?.[name]
      if (value !== undefined) values.add(value)
    }
    return [...values].sort()
  }

  private hasValues(name: string): boolean {
    for (const ids of this.postings.get(name)?.values() ?? []) if (ids.size > 0) return true
    return false
  }

  private test(m: Matcher, value: string): boolean {
    switch (m.op) {
      case '=':
        return value === m.value
      case '!=':
        return value !== m.value
      case '=~':
        return this.regex(m.value).test(value)
      case '!~':
        return !this.regex(m.value).test(value)
    }
  }

  private regex(source: string): RegExp {
    let re = this.regexes.get(source)
    if (!re) {
      // PromQL regexes are fully anchored.
      re = new RegExp(`^(?:${source})$`, 'su')
      if (this.regexes.size > 1000) this.regexes.clear()
      this.regexes.set(source, re)
    }
    return re
  }
}
