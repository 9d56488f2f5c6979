import { describe, expect, it } from 'bun:test'
import { fingerprintOf, groupLabels } from '../../src/alerting/fingerprint.ts'
import { metricNames } from '../../src/alerting/conditions/expr.ts'
import { formatValue, render } from '../../src/alerting/template.ts'

const data = { value: 93.456789, labels: { host: 'web-1', zone: 'eu' } }

describe('render', () => {
  it.each([
    ['CPU at {{ $value }}% on {{ $labels.host }}', 'CPU at 93.46% on web-1'],
    ['{{$value}}|{{ .Value }}|{{ .Labels.zone }}', '93.46|93.46|eu'],
    ['all: {{ $labels }}', 'all: {host="web-1", zone="eu"}'],
    ['unknown: [{{ $labels.nope }}] [{{ $nope }}] [{{ printf "%d" 1 }}]', 'unknown: [] [] []'],
    ['code never runs: {{ constructor.constructor("return 1")() }}', 'code never runs: '],
    ['no templates here {x}', 'no templates here {x}'],
    ['{{- $labels.host -}}', 'web-1'],
  ])('render(%j) is %j', (template, out) => {
    expect(render(template, data)).toBe(out)
  })
})

describe('formatValue', () => {
  it.each([
    [null, ''],
    [42, '42'],
    [1234567, '1234567'],
    [0.000123456, '0.0001235'],
    [2 / 3, '0.6667'],
    [1.5e20, '150000000000000000000'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
  ])('formatValue(%p) is %j', (v, out) => {
    expect(formatValue(v)).toBe(out)
  })
})

describe('fingerprintOf', () => {
  it('fingerprintOf() is the same whatever the label order, and differs by rule and labels', () => {
    const a = fingerprintOf('high-cpu', { host: 'a', zone: 'eu' })
    expect(fingerprintOf('high-cpu', { zone: 'eu', host: 'a' })).toBe(a)
    expect(fingerprintOf('high-mem', { host: 'a', zone: 'eu' })).not.toBe(a)
    expect(fingerprintOf('high-cpu', { host: 'b', zone: 'eu' })).not.toBe(a)
    expect(a).toMatch(/^[0-9a-f]{16}$/)
  })

  it('groupLabels() keeps only the group_by labels when set', () => {
    expect(groupLabels({ host: 'a', zone: 'eu' }, ['zone', 'absent'])).toEqual({ zone: 'eu' })
    expect(groupLabels({ host: 'a' }, undefined)).toEqual({ host: 'a' })
  })
})

describe('metricNames', () => {
  it.each([
    ['avg by (host) (node_cpu_usage_percent) > 90', ['node_cpu_usage_percent']],
    [
      'rate(http_requests_total[5m]) / rate(http_requests_count[5m])',
      ['http_requests_total', 'http_requests_count'],
    ],
    ['{__name__="up", job="api"} == 0', ['up']],
    ['{job="api"} == 0', undefined],
  ])(
    'metricNames(%j) is %j: the rule wakes on samples of those metrics (any when undefined)',
    (expr, names) => {
      const found = metricNames(expr)
      expect(found === undefined ? undefined : [...found]).toEqual(names)
    },
  )
})
