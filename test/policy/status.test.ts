import { describe, expect, it } from 'bun:test'
import { changedPaths } from '../../src/policy/diff.ts'
import { initialStatus, PolicyStatusRegistry } from '../../src/policy/index.ts'

describe('PolicyStatusRegistry', () => {
  it('get() is ok with nothing counted until something reports', () => {
    expect(new PolicyStatusRegistry().get('AlertRule', 'x')).toEqual(initialStatus)
  })

  it('report() merges: one subsystem reports the evaluation, another the pending tasks', () => {
    const r = new PolicyStatusRegistry()
    r.report('AlertRule', 'x', { status: 'firing', lastEvalAt: 5, durationMs: 2, matches: 4 })
    r.report('AlertRule', 'x', { pendingTasks: 3 })
    expect(r.get('AlertRule', 'x')).toMatchObject({ status: 'firing', matches: 4, pendingTasks: 3 })
    expect(r.get('AccessPolicy', 'x')).toEqual(initialStatus)
  })

  it('report() keeps an error message only while the status is error; forget() drops it all', () => {
    const r = new PolicyStatusRegistry()
    r.report('CompliancePolicy', 'c', { status: 'error', message: 'cluster unreachable' })
    expect(r.get('CompliancePolicy', 'c').message).toBe('cluster unreachable')
    r.report('CompliancePolicy', 'c', { status: 'violated', violations: 7 })
    expect(r.get('CompliancePolicy', 'c')).toMatchObject({ status: 'violated', message: null })
    r.forget('CompliancePolicy', 'c')
    expect(r.get('CompliancePolicy', 'c')).toEqual(initialStatus)
  })
})

describe('changedPaths', () => {
  it.each([
    [{ a: 1 }, { a: 1 }, []],
    [{ spec: { for: '1m' } }, { spec: { for: '5m' } }, ['spec.for']],
    [{ m: { labels: { a: 'x' } } }, { m: { labels: { a: 'x', b: 'y' } } }, ['m.labels.b']],
    [{ l: [1, 2] }, { l: [1, 3] }, ['l[1]']],
    [{ l: [1, 2] }, { l: [1] }, ['l']],
    [undefined, { a: 1 }, ['(document)']],
  ])('changedPaths(%j, %j) is %j', (a, b, paths) => {
    expect(changedPaths(a, b)).toEqual(paths)
  })
})
