import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import {
  compareObject,
  diff,
  managedFields,
  withDefaults,
  yamlOptions,
  type DiffOptions,
  type Finding,
  type FindingType,
  type KubeObject,
} from '../../src/drift/index.ts'

const dir = join(import.meta.dir, '../fixtures/drift')

interface Fixture {
  desired: KubeObject | KubeObject[]
  live: KubeObject | KubeObject[]
  options?: DiffOptions
  expect?: {
    diffs?: { path: string; reason: string; desired?: unknown; live?: unknown }[]
    ownedElsewhere?: string[]
    severity?: string
    resource?: Finding['resource']
  }
}

type Outcome = 'none' | FindingType | 'owned'

// The outcome a fixture's name promises; see test/fixtures/drift/README.md.
function outcomeOf(name: string): Outcome {
  if (name.endsWith('-no-drift') || name.endsWith('-not-unexpected')) return 'none'
  if (name.includes('-owned-by-')) return 'owned'
  if (name.endsWith('-mismatch')) return 'mismatch'
  if (name.startsWith('missing-')) return 'missing'
  if (name.startsWith('unexpected-')) return 'unexpected'
  throw new Error(`${name}: the name says no outcome`)
}

const list = (v: KubeObject | KubeObject[]) => (Array.isArray(v) ? v : [v])

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => {
    const name = file.replace(/\.yaml$/, '')
    const fixture = parse(readFileSync(join(dir, file), 'utf8'), yamlOptions) as Fixture
    return [name, fixture] as const
  })

describe('drift fixtures', () => {
  test('there is a fixture for every outcome', () => {
    const outcomes = new Set(fixtures.map(([name]) => outcomeOf(name)))
    expect([...outcomes].sort()).toEqual(['mismatch', 'missing', 'none', 'owned', 'unexpected'])
  })

  test.each(fixtures)('%s', (name, fixture) => {
    const outcome = outcomeOf(name)
    const findings = diff(list(fixture.desired), list(fixture.live), fixture.options)
    if (outcome === 'none' || outcome === 'owned') {
      expect(findings).toEqual([])
    } else {
      expect(findings.map((f) => f.type)).toEqual([outcome])
    }
    const finding = findings[0]
    const want = fixture.expect ?? {}
    if (want.severity) expect(finding?.severity).toBe(want.severity as Finding['severity'])
    if (want.resource) expect(finding?.resource).toEqual(want.resource)
    if (want.diffs) {
      const got = finding?.diffs ?? []
      expect(got.map((d) => [d.path, d.reason])).toEqual(want.diffs.map((d) => [d.path, d.reason]))
      want.diffs.forEach((d, i) => {
        if ('desired' in d) expect(got[i]?.desired).toEqual(d.desired)
        if ('live' in d) expect(got[i]?.live).toEqual(d.live)
      })
    }
    if (outcome === 'owned' || want.ownedElsewhere) {
      const [desired] = list(fixture.desired)
      const [live] = list(fixture.live)
      const { diffs, ownedElsewhere } = compareObject(desired!, withDefaults(live!), {
        managed: managedFields(live!),
      })
      expect(diffs).toEqual([])
      expect(ownedElsewhere.map((o) => o.path)).toEqual(want.ownedElsewhere ?? [])
    }
  })
})
