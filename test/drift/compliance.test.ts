import { describe, expect, it, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import {
  checkCompliance,
  defaultCompliancePolicy,
  parseCompliancePolicy,
  yamlOptions,
  type KubeObject,
} from '../../src/drift/index.ts'
import { ValidationError } from '../../src/errors.ts'

const dir = join(import.meta.dir, '../fixtures/drift/compliance')

interface Fixture {
  policy?: unknown
  objects: KubeObject[]
  violations: { rule: string; name: string; path: string; message?: string }[]
}

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => [f.replace(/\.yaml$/, ''), parse(readFileSync(join(dir, f), 'utf8'), yamlOptions)])

describe('checkCompliance', () => {
  test.each(fixtures as [string, Fixture][])('%s', (name, fixture) => {
    const policy = fixture.policy ? parseCompliancePolicy(fixture.policy) : defaultCompliancePolicy
    const found = checkCompliance([policy], fixture.objects)
    expect(found.map((v) => ({ rule: v.rule, name: v.resource.name, path: v.path }))).toEqual(
      fixture.violations.map(({ rule, name, path }) => ({ rule, name, path })),
    )
    if (name.endsWith('-compliant')) expect(found).toEqual([])
    else expect(found.length).toBeGreaterThan(0)
    fixture.violations.forEach((v, i) => {
      if (v.message) expect(found[i]!.message).toBe(v.message)
    })
  })

  it('checkCompliance() gives built-in and configured severities, stable keys and the source', () => {
    const policy = parseCompliancePolicy({
      apiVersion: 'vigil/v1',
      kind: 'CompliancePolicy',
      metadata: { name: 'p' },
      spec: { rules: [{ builtin: 'privileged' }, { builtin: 'image-latest', severity: 'low' }] },
    })
    const object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'x' },
      spec: { containers: [{ name: 'c', image: 'a', securityContext: { privileged: true } }] },
    }
    const found = checkCompliance([policy], [{ object, source: { file: 'pod.yaml', line: 3 } }])
    expect(found.map((v) => [v.rule, v.severity, v.key])).toEqual([
      [
        'privileged',
        'high',
        'p/privileged:/Pod/default/x:/spec/containers/0/securityContext/privileged',
      ],
      ['image-latest', 'low', 'p/image-latest:/Pod/default/x:/spec/containers/0/image'],
    ])
    expect(found[0]!.resource).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: 'default',
      name: 'x',
    })
    expect(found[0]!.source).toEqual({ file: 'pod.yaml', line: 3 })
  })
})

describe('parseCompliancePolicy', () => {
  const base = { apiVersion: 'vigil/v1', kind: 'CompliancePolicy', metadata: { name: 'p' } }

  test.each([
    [
      'a wrong apiVersion',
      { ...base, apiVersion: 'v1', spec: { rules: [{ builtin: 'probes' }] } },
      'apiVersion',
    ],
    [
      'another kind',
      { ...base, kind: 'AlertRule', spec: { rules: [{ builtin: 'probes' }] } },
      'kind',
    ],
    ['no rules', { ...base, spec: { rules: [] } }, 'spec.rules'],
    ['an unknown built-in', { ...base, spec: { rules: [{ builtin: 'nope' }] } }, 'spec.rules.0'],
    [
      'equals without a value',
      {
        ...base,
        spec: { rules: [{ name: 'r', severity: 'low', require: { path: '/a', op: 'equals' } }] },
      },
      'spec.rules.0',
    ],
    [
      'an invalid regular expression',
      {
        ...base,
        spec: {
          rules: [
            { name: 'r', severity: 'low', require: { path: '/a', op: 'matches', value: '(' } },
          ],
        },
      },
      'spec.rules.0',
    ],
    [
      'a path that is no JSON pointer',
      {
        ...base,
        spec: { rules: [{ name: 'r', severity: 'low', require: { path: 'a.b', op: 'exists' } }] },
      },
      'spec.rules.0',
    ],
    [
      'an upper-case name',
      { ...base, metadata: { name: 'Bad' }, spec: { rules: [{ builtin: 'probes' }] } },
      'metadata.name',
    ],
  ])('parseCompliancePolicy() rejects %s', (_, input, where) => {
    let error: unknown
    try {
      parseCompliancePolicy(input)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).message).toContain(where)
  })

  it('parseCompliancePolicy() accepts the default policy', () => {
    expect(parseCompliancePolicy(defaultCompliancePolicy)).toEqual(defaultCompliancePolicy)
  })
})
