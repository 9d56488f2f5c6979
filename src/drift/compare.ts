/**
 * The comparison of one desired object with its live object: only the fields the manifest declares
 * are compared, keyed lists are matched by key whatever their order, lists of other objects by
 * content, lists of scalars in order. Each difference becomes a Diff with its JSON pointer (indexed
 * as in the manifest) and reason, unless an ignore rule drops its path or another field manager owns
 * the field, which makes it OwnedElsewhere.
 */
import { Buffer } from 'node:buffer'
import { record } from './identity.ts'
import { isIgnored } from './ignore.ts'
import { matchKeyed, listKeys } from './lists.ts'
import { otherOwners, type FieldSegment, type ManagedFields } from './managed-fields.ts'
import { toPointer } from './pointer.ts'
import type { Diff, DiffReason, KubeObject, OwnedElsewhere } from './types.ts'
import { base64Equal, declared, redact, scalarsEqual } from './values.ts'

/** CompareOptions are what one comparison needs besides the two objects. */
export interface CompareOptions {
  /** Pointers (as segments, `*` for any one) that the ignore rules drop for this resource. */
  ignored?: readonly string[][]
  /** The live object's parsed managedFields. */
  managed?: readonly ManagedFields[]
  /** Managers whose fields count as drift (globs); see defaultAppliers. */
  appliers?: readonly string[]
}

/** Comparison is what differs between a desired and a live object. */
export interface Comparison {
  diffs: Diff[]
  ownedElsewhere: OwnedElsewhere[]
}

interface Walk {
  opts: CompareOptions
  secret: boolean
  out: Comparison
}

/** compareObject compares the declared fields of a desired object with a live object. */
export function compareObject(
  desired: KubeObject,
  live: KubeObject,
  opts: CompareOptions = {},
): Comparison {
  const secret = desired.kind === 'Secret'
  const want = declared(secret ? secretData(desired) : desired)
  const walk: Walk = { opts, secret, out: { diffs: [], ownedElsewhere: [] } }
  compare(walk, want, live, [], [])
  return walk.out
}

/** secretData folds `stringData` into base64 `data`, as the API server does when it stores a Secret. */
export function secretData(secret: KubeObject): KubeObject {
  const stringData = record(secret.stringData)
  if (!stringData) return secret
  const data: Record<string, unknown> = { ...record(secret.data) }
  for (const [k, v] of Object.entries(stringData)) {
    data[k] = Buffer.from(String(v), 'utf8').toString('base64')
  }
  const { stringData: _, ...rest } = secret
  return { ...rest, data }
}

function compare(w: Walk, d: unknown, l: unknown, path: string[], fields: FieldSegment[]): void {
  if (d === undefined || isIgnored(w.opts.ignored ?? [], path)) return
  if (l === undefined || l === null) {
    // Go's omitempty drops '', false and 0: a manifest that states them matches their absence.
    if (d === '' || d === false || d === 0) return
    return report(w, path, fields, d, null, 'missing in live')
  }
  if (Array.isArray(d)) {
    if (!Array.isArray(l)) return report(w, path, fields, d, l, 'type differs')
    return compareList(w, d, l, path, fields)
  }
  const obj = record(d)
  if (obj) {
    const other = record(l)
    if (!other) return report(w, path, fields, d, l, 'type differs')
    for (const [k, v] of Object.entries(obj)) {
      compare(w, v, other[k], [...path, k], [...fields, { field: k }])
    }
    return
  }
  const equal =
    w.secret && path[0] === 'data' && path.length === 2
      ? base64Equal(d, l)
      : scalarsEqual(d, l, path)
  if (!equal) report(w, path, fields, d, l, 'value differs')
}

function compareList(
  w: Walk,
  d: unknown[],
  l: unknown[],
  path: string[],
  fields: FieldSegment[],
): void {
  const at = (i: number, live: number): [string[], FieldSegment[]] => [
    [...path, String(i)],
    [...fields, { item: l[live], index: live }],
  ]
  const keys = listKeys[path[path.length - 1] ?? '']
  if (keys) {
    matchKeyed(keys, d, l).forEach((live, i) => {
      if (live < 0) report(w, [...path, String(i)], fields, d[i], null, 'list item missing')
      else compare(w, d[i], l[live], ...at(i, live))
    })
    return
  }
  if (!d.some((item) => record(item) || Array.isArray(item))) {
    const same = d.length === l.length && d.every((item, i) => scalarsEqual(item, l[i], path))
    if (!same) report(w, path, fields, d, l, 'list differs')
    return
  }
  // Lists of objects without a key (tolerations, rules, subjects): every declared item must have a
  // live item that agrees with it, wherever it is; a live item left over is not declared.
  const claimed = new Set<number>()
  const unmatched: number[] = []
  d.forEach((item, i) => {
    const found = l.findIndex((li, j) => !claimed.has(j) && agrees(w, item, li, at(i, j)))
    if (found >= 0) claimed.add(found)
    else unmatched.push(i)
  })
  for (const i of unmatched) {
    if (i < l.length && !claimed.has(i)) compare(w, d[i], l[i], ...at(i, i))
    else report(w, [...path, String(i)], fields, d[i], null, 'list item missing')
  }
}

function agrees(w: Walk, d: unknown, l: unknown, [path, fields]: [string[], FieldSegment[]]) {
  const trial: Walk = { ...w, out: { diffs: [], ownedElsewhere: [] } }
  compare(trial, d, l, path, fields)
  return trial.out.diffs.length === 0
}

function report(
  w: Walk,
  path: string[],
  fields: FieldSegment[],
  desired: unknown,
  live: unknown,
  reason: DiffReason,
): void {
  const pointer = toPointer(path)
  const hide = w.secret && path[0] === 'data'
  const shown = (v: unknown) => (hide ? redact(v) : (v ?? null))
  const owners = live === null ? [] : otherOwners(w.opts.managed ?? [], fields, w.opts.appliers)
  if (owners.length > 0) {
    w.out.ownedElsewhere.push({
      path: pointer,
      desired: shown(desired),
      live: shown(live),
      managers: owners,
    })
  } else {
    w.out.diffs.push({ path: pointer, desired: shown(desired), live: shown(live), reason })
  }
}
