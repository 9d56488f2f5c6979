import { describe, expect, it } from 'bun:test'
import { advance, resolveAll, type GroupState, type Observation } from '../../src/alerting/state.ts'

const s = 1000
const group = (fingerprint = 'a', value = 1): Observation => ({
  fingerprint,
  labels: { host: fingerprint },
  value,
  source: { kind: 'metrics', query: 'up == 0' },
})

/**
 * walk runs evaluations at the given seconds (`+` the group is active, `-` not) and says what each
 * left: `pending`, `firing` (`firing!` when it started then), `resolved` or `inactive`.
 */
function walk(forS: number, keepS: number, steps: string[]) {
  let states = new Map<string, GroupState>()
  const out: string[] = []
  const sinces = new Set<number>()
  for (const step of steps) {
    const t = Number(step.slice(1)) * s
    const r = advance(states, step[0] === '+' ? [group()] : [], t, {
      forMs: forS * s,
      keepFiringForMs: keepS * s,
    })
    states = r.states
    const now = states.get('a')
    if (r.resolved.length) out.push('resolved')
    else if (r.started.length) out.push('firing!')
    else out.push(now?.state ?? 'inactive')
    for (const f of r.firing) sinces.add(f.since!)
    expect(r.firing.length).toBe(now?.state === 'firing' ? 1 : 0)
  }
  return { out: out.join(' '), sinces: [...sinces].map((t) => t / s) }
}

describe('advance', () => {
  it.each([
    ['for 0 fires on the first true evaluation', 0, 0, ['+0', '+15'], 'firing! firing', [0]],
    [
      'pending until for has elapsed, firing exactly at it',
      60,
      0,
      ['+0', '+30', '+60', '+75'],
      'pending pending firing! firing',
      [60],
    ],
    [
      'a pending group that goes false is dropped silently',
      60,
      0,
      ['+0', '-30', '+45', '+90', '+105'],
      'pending inactive pending pending firing!',
      [105],
    ],
    [
      'keep_firing_for 0 resolves at the first false evaluation',
      0,
      0,
      ['+0', '-15', '-30'],
      'firing! resolved inactive',
      [0],
    ],
    [
      'keep_firing_for holds it, resolving exactly at the boundary',
      0,
      120,
      ['+0', '-15', '-120', '-135', '-150'],
      'firing! firing firing resolved inactive',
      [0],
    ],
    [
      'flapping within keep_firing_for is one episode; the clock restarts at each false',
      0,
      120,
      ['+0', '-15', '+30', '-45', '-150', '-165'],
      'firing! firing firing firing firing resolved',
      [0],
    ],
    [
      'after a resolve, a true evaluation is a new episode',
      0,
      0,
      ['+0', '-15', '+30'],
      'firing! resolved firing!',
      [0, 30],
    ],
    [
      'with for, a new episode waits for for again',
      30,
      0,
      ['+0', '+30', '-45', '+60', '+75', '+90'],
      'pending firing! resolved pending pending firing!',
      [30, 90],
    ],
    [
      'for and keep_firing_for together',
      30,
      30,
      ['+0', '+30', '-45', '+60', '-75', '-105'],
      'pending firing! firing firing firing resolved',
      [30],
    ],
  ])('%s', (_, forS, keepS, steps, out, sinces) => {
    expect(walk(forS, keepS, steps)).toEqual({ out, sinces })
  })

  it('advance() resolves only the group that disappeared and keeps the value it last had', () => {
    const timing = { forMs: 0, keepFiringForMs: 0 }
    const first = advance(new Map(), [group('a', 91), group('b', 95)], 0, timing)
    expect(first.started.map((g) => g.fingerprint)).toEqual(['a', 'b'])
    const second = advance(first.states, [group('a', 93)], 15 * s, timing)
    expect(second.firing.map((g) => [g.fingerprint, g.value, g.since])).toEqual([['a', 93, 0]])
    expect(second.resolved.map((g) => [g.fingerprint, g.value, g.since, g.at])).toEqual([
      ['b', 95, 0, 15 * s],
    ])
    expect([...second.states.keys()]).toEqual(['a'])
  })

  it('advance() counts a group seen twice in one evaluation once', () => {
    const r = advance(new Map(), [group('a'), group('a')], 0, { forMs: 0, keepFiringForMs: 0 })
    expect(r.firing).toHaveLength(1)
  })

  it('resolveAll() resolves the firing groups of a deleted or changed rule, not the pending', () => {
    const timing = { forMs: 60 * s, keepFiringForMs: 0 }
    let r = advance(new Map(), [group('a')], 0, timing)
    r = advance(r.states, [group('a'), group('b')], 60 * s, timing)
    expect(r.states.get('b')!.state).toBe('pending')
    const resolved = resolveAll(r.states, 70 * s)
    expect(resolved.map((g) => [g.fingerprint, g.since, g.at])).toEqual([['a', 60 * s, 70 * s]])
  })
})
