/**
 * Field conditions of user rules: a JSON pointer whose `*` segments expand over every list item
 * (or map value), and an operator that every value found there must satisfy. A path that runs into
 * nothing yields one absent value, so `exists` fails on it and `notExists` holds.
 */
import { record } from '../identity.ts'
import { parsePointer, toPointer } from '../pointer.ts'
import type { Condition } from './schema.ts'

/** Located is one value a pointer reached (or the place where it found nothing). */
export interface Located {
  path: string[]
  value: unknown
  present: boolean
}

/** locate expands a pointer (as segments) over a value, `*` matching every item. */
export function locate(root: unknown, segments: readonly string[], base: string[] = []): Located[] {
  let found: Located[] = [{ path: base, value: root, present: true }]
  segments.forEach((seg, i) => {
    found = found.flatMap((at) => {
      // A pointer that ran into nothing is reported once, with the rest of its path.
      if (!at.present) return [at]
      const absent = (): Located => ({
        path: [...at.path, ...segments.slice(i)],
        value: undefined,
        present: false,
      })
      const { value } = at
      if (seg === '*') {
        if (Array.isArray(value)) {
          return value.map((v, j) => ({ path: [...at.path, String(j)], value: v, present: true }))
        }
        const obj = record(value)
        if (!obj) return [absent()]
        return Object.entries(obj).map(([k, v]) => ({
          path: [...at.path, k],
          value: v,
          present: true,
        }))
      }
      const next = Array.isArray(value) ? value[Number(seg)] : record(value)?.[seg]
      if (next === undefined || next === null) return [absent()]
      return [{ path: [...at.path, seg], value: next, present: true }]
    })
  })
  return found
}

function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a !== 'object' && typeof b !== 'object' && String(a) === String(b))
}

/** holds says whether one located value satisfies the condition. */
export function holds(c: Condition, at: Located): boolean {
  const scalar = at.present && record(at.value) === undefined && !Array.isArray(at.value)
  switch (c.op) {
    case 'exists':
      return at.present
    case 'notExists':
      return !at.present
    case 'equals':
      return scalar && same(at.value, c.value)
    case 'notEquals':
      return !(scalar && same(at.value, c.value))
    case 'matches':
      return scalar && new RegExp(String(c.value)).test(String(at.value))
    case 'in':
      return scalar && (c.values ?? []).some((v) => same(at.value, v))
    case 'notIn':
      return !(scalar && (c.values ?? []).some((v) => same(at.value, v)))
  }
}

/** failures lists the places where a condition does not hold, as pointers. */
export function failures(c: Condition, root: unknown, base: readonly string[] = []): string[] {
  return locate(root, parsePointer(c.path), [...base])
    .filter((at) => !holds(c, at))
    .map((at) => toPointer(at.path))
}

/** describe says in words what a condition requires, for a violation's message. */
export function describe(c: Condition): string {
  const value = JSON.stringify(c.value)
  const values = (c.values ?? []).map((v) => JSON.stringify(v)).join(', ')
  const words = {
    exists: 'must be set',
    notExists: 'must not be set',
    equals: `must equal ${value}`,
    notEquals: `must not equal ${value}`,
    matches: `must match ${value}`,
    in: `must be one of ${values}`,
    notIn: `must not be one of ${values}`,
  } satisfies Record<Condition['op'], string>
  return `${c.path} ${words[c.op]}`
}
