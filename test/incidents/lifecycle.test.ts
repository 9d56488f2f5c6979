import { describe, expect, test } from 'bun:test'
import { decideFire, refusal, type FireAction } from '../../src/incidents/lifecycle.ts'
import type { Incident } from '../../src/incidents/types.ts'

const hour = 3_600_000
const base = { id: 7, since: 1000, resolvedAt: null, acknowledgedBy: null, resolvedBy: null }
const open = { ...base, status: 'triggered' } as Incident
const resolvedAt = (t: number) => ({ ...base, status: 'resolved', resolvedAt: t }) as Incident

describe('lifecycle', () => {
  test.each<[string, Incident | undefined, Incident | undefined, number, FireAction['kind']]>([
    ['an open incident and the same since: update', open, undefined, 2000, 'update'],
    ['an open incident and a new since: repeat', open, undefined, 5000, 'repeat'],
    ['nothing before: open', undefined, undefined, 5000, 'open'],
    ['resolved within the window: reopen', undefined, resolvedAt(5000 - hour), 5000, 'reopen'],
    ['resolved before the window: open', undefined, resolvedAt(4999 - hour), 5000, 'open'],
  ])('decideFire() with %s', (_name, o, r, since, want) => {
    expect(
      decideFire({ since, at: 5000 }, since === 2000 ? { ...o!, since: 2000 } : o, r, hour).kind,
    ).toBe(want)
  })

  test('decideFire() never reopens with a window of 0', () => {
    expect(decideFire({ since: 5, at: 5 }, undefined, resolvedAt(5), 0).kind).toBe('open')
  })

  test.each([
    ['acknowledge', 'triggered', undefined],
    ['acknowledge', 'acknowledged', 'already acknowledged'],
    ['acknowledge', 'resolved', 'cannot be acknowledged'],
    ['resolve', 'triggered', undefined],
    ['resolve', 'acknowledged', undefined],
    ['resolve', 'resolved', 'already resolved'],
  ] as const)('refusal() of %s when %s', (action, status, want) => {
    const why = refusal(action, { ...open, status })
    if (want === undefined) expect(why).toBeUndefined()
    else expect(why).toContain(want)
  })
})
