/**
 * Tests of sample validation: one refused input per reason, the edges that must still pass (sizes
 * exactly at the limits, multi-byte UTF-8 counted in bytes, times exactly at the window's ends),
 * and the canonical series key, including a round-trip property over generated labels.
 */
import { describe, expect, it } from 'bun:test'
import fc from 'fast-check'
import { ValidationError } from '../../src/errors.ts'
import type { Labels } from '../../src/metrics/types.ts'
import {
  defaultIngestLimits as limits,
  labelsFromPairs,
  parseRfc3339,
  parseSeriesKey,
  rejectReasons,
  seriesKey,
  validateSample,
  type RawSample,
  type RejectReason,
} from '../../src/metrics/validate.ts'

const now = Date.parse('2026-11-22T10:00:00Z')
const day = 86_400_000
const ok: RawSample = { name: 'cpu_usage_percent', labels: { host: 'a' }, value: 12.5 }

function accept(raw: RawSample) {
  const result = validateSample(raw, now, limits)
  if (!result.ok) throw new Error(`expected acceptance, got ${result.reason}: ${result.message}`)
  return result.sample
}

const manyLabels = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, 'v']))

describe('validate', () => {
  it('has the default limits of the brief', () => {
    expect(limits).toEqual({
      maxLabels: 30,
      maxNameBytes: 128,
      maxValueBytes: 1024,
      maxAgeMs: 15 * day,
      maxFutureMs: 10 * 60_000,
    })
  })

  const refusals: [RejectReason, RawSample, string][] = [
    ['missing_name', { ...ok, name: undefined }, 'metric name is required'],
    ['missing_name', { ...ok, name: '' }, 'metric name is required'],
    [
      'invalid_name',
      { ...ok, name: '1cpu' },
      'metric name "1cpu" must match [a-zA-Z_:][a-zA-Z0-9_:]*',
    ],
    ['invalid_name', { ...ok, name: 'cpu usage' }, 'metric name "cpu usage" must match'],
    ['invalid_name', { ...ok, name: 42 }, 'metric name must be a string, got number 42'],
    ['name_too_long', { ...ok, name: 'm'.repeat(129) }, 'is 129 bytes, at most 128'],
    ['name_too_long', { ...ok, labels: { ['l'.repeat(129)]: 'x' } }, 'label name "lll'],
    [
      'invalid_label_name',
      { ...ok, labels: { '1host': 'x' } },
      'label name "1host" must match [a-zA-Z_:]',
    ],
    [
      'invalid_label_name',
      { ...ok, labels: { 'bad-name': 'x' } },
      'label name "bad-name" must match',
    ],
    [
      'invalid_label_name',
      { ...ok, labels: { __secret: 'x' } },
      'label name "__secret" must not start with __',
    ],
    ['invalid_label_name', { ...ok, labels: { __name__: 'other' } }, 'must not start with __'],
    ['invalid_label_name', { ...ok, labels: 'host=a' }, 'labels must be an object'],
    [
      'invalid_label_name',
      { ...ok, labels: [{ value: 'a' }] },
      'labels[0].name must be a string, got nothing',
    ],
    ['invalid_label_name', { ...ok, labels: ['host'] }, 'labels[0] must be {name, value}'],
    [
      'invalid_label_value',
      { ...ok, labels: { host: 5 } },
      'label "host" value must be a string, got number 5',
    ],
    ['invalid_label_value', { ...ok, labels: { host: null } }, 'got null'],
    ['invalid_label_value', { ...ok, labels: [{ name: 'host', value: true }] }, 'got boolean true'],
    ['too_many_labels', { ...ok, labels: manyLabels(31) }, 'more than 30 labels'],
    [
      'label_value_too_long',
      { ...ok, labels: { host: 'x'.repeat(1025) } },
      'label "host" value is 1025 bytes, at most 1024',
    ],
    [
      'label_value_too_long',
      { ...ok, labels: { host: '€'.repeat(342) } },
      'value is 1026 bytes, at most 1024',
    ],
    ['label_value_too_long', { ...ok, labels: { host: '😀'.repeat(257) } }, 'value is 1028 bytes'],
    [
      'invalid_utf8',
      { ...ok, labels: { host: 'a\ud800b' } },
      'label "host" value is not valid UTF-8',
    ],
    ['invalid_utf8', { ...ok, labels: { host: 'a\udc00' } }, 'not valid UTF-8'],
    ['invalid_utf8', { ...ok, labels: { host: '\ud83d' } }, 'not valid UTF-8'],
    [
      'duplicate_label',
      {
        ...ok,
        labels: [
          { name: 'host', value: 'a' },
          { name: 'host', value: 'b' },
        ],
      },
      'label "host" appears twice',
    ],
    [
      'duplicate_label',
      {
        ...ok,
        labels: [
          { name: 'host', value: 'a' },
          { name: 'host', value: '' },
        ],
      },
      'appears twice',
    ],
    [
      'invalid_value',
      { ...ok, value: 'lots' },
      'value must be a finite number or "NaN", got string "lots"',
    ],
    ['invalid_value', { ...ok, value: null }, 'got null'],
    ['invalid_value', { ...ok, value: undefined }, 'got nothing'],
    ['invalid_value', { ...ok, value: true }, 'got boolean true'],
    ['invalid_value', { ...ok, value: Infinity }, 'got number Infinity'],
    ['invalid_value', { ...ok, value: -Infinity }, 'got number -Infinity'],
    ['invalid_value', { ...ok, value: '+Inf' }, 'got string "+Inf"'],
    ['invalid_value', { ...ok, value: '1e999' }, 'got string "1e999"'],
    ['invalid_value', { ...ok, value: 'nan' }, 'got string "nan"'],
    ['invalid_value', { ...ok, value: Number.NaN }, 'got number NaN'],
    ['invalid_value', { ...ok, value: '0x10' }, 'got string "0x10"'],
    ['invalid_value', { ...ok, value: ' 12' }, 'got string " 12"'],
    ['invalid_value', { ...ok, value: '' }, 'got string ""'],
    ['invalid_value', { ...ok, value: [1] }, 'got an array'],
    [
      'invalid_timestamp',
      { ...ok, ts: 'yesterday' },
      'ts must be integer epoch milliseconds or an RFC 3339 time, got string "yesterday"',
    ],
    ['invalid_timestamp', { ...ok, ts: now + 0.5 }, 'got number'],
    ['invalid_timestamp', { ...ok, ts: String(now) }, 'got string'],
    ['invalid_timestamp', { ...ok, ts: '2026-11-22T10:00:00' }, 'got string "2026-11-22T10:00:00"'],
    ['invalid_timestamp', { ...ok, ts: '2026-11-22 10:00:00Z' }, 'RFC 3339'],
    ['invalid_timestamp', { ...ok, ts: '2026-02-29T10:00:00Z' }, 'RFC 3339'],
    ['invalid_timestamp', { ...ok, ts: '2026-11-22T24:00:00Z' }, 'RFC 3339'],
    ['invalid_timestamp', { ...ok, ts: 1e300 }, 'got number 1e+300'],
    ['invalid_timestamp', { ...ok, ts: true }, 'got boolean true'],
    ['too_old', { ...ok, ts: now - 16 * day }, 'ts 2026-11-06T10:00:00.000Z is more than 15d old'],
    ['too_old', { ...ok, ts: now - 15 * day - 1 }, 'oldest accepted is 2026-11-07T10:00:00.000Z'],
    [
      'too_far_in_future',
      { ...ok, ts: now + 11 * 60_000 },
      'ts 2026-11-22T10:11:00.000Z is more than 10m ahead',
    ],
    [
      'too_far_in_future',
      { ...ok, ts: '2026-11-22T10:10:00.001Z' },
      'latest accepted is 2026-11-22T10:10:00.000Z',
    ],
  ]

  it.each(refusals)('refuses with %s: %j → %s', (reason, raw, fragment) => {
    const result = validateSample(raw, now, limits)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.reason).toBe(reason)
    expect(result.message).toContain(fragment)
  })

  it('covers every reason of rejectReasons in the refusal table', () => {
    expect(new Set(refusals.map(([r]) => r))).toEqual(new Set(rejectReasons))
    expect(rejectReasons).toHaveLength(13)
  })

  it('cuts offending values in messages to 64 characters', () => {
    const result = validateSample({ ...ok, name: `1${'x'.repeat(100)}` }, now, limits)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.message).toBe(
      `metric name "1${'x'.repeat(63)}"… must match [a-zA-Z_:][a-zA-Z0-9_:]*`,
    )
  })

  const accepted: [
    string,
    RawSample,
    Partial<{ labels: Labels; key: string; t: number; v: number }>,
  ][] = [
    [
      'no labels, no ts',
      { name: 'up', value: 1 },
      { labels: { __name__: 'up' }, key: 'up', t: now, v: 1 },
    ],
    ['labels null', { name: 'up', labels: null, value: 1 }, { key: 'up' }],
    ['ts null means now', { name: 'up', value: 1, ts: null }, { t: now }],
    ['exactly 30 labels', { ...ok, labels: manyLabels(30) }, {}],
    ['31 labels, one empty', { ...ok, labels: { ...manyLabels(30), extra: '' } }, {}],
    ['exactly 128-byte name', { ...ok, name: 'm'.repeat(128) }, {}],
    ['exactly 128-byte label name', { ...ok, labels: { ['l'.repeat(128)]: 'x' } }, {}],
    ['1024-byte value', { ...ok, labels: { host: 'x'.repeat(1024) } }, {}],
    ['341 × € = 1023 bytes', { ...ok, labels: { host: '€'.repeat(341) } }, {}],
    ['256 × 😀 = 1024 bytes', { ...ok, labels: { host: '😀'.repeat(256) } }, {}],
    [
      'colons in names',
      { name: 'job:rate:5m', labels: { 'a:b': 'c' }, value: 1 },
      { key: 'job:rate:5m{a:b="c"}' },
    ],
    ['"NaN" is the staleness marker', { ...ok, value: 'NaN' }, { v: Number.NaN }],
    ['numeric string', { ...ok, value: '12.5' }, { v: 12.5 }],
    ['signed exponent string', { ...ok, value: '-1.5e3' }, { v: -1500 }],
    ['leading dot', { ...ok, value: '.5' }, { v: 0.5 }],
    [
      'most negative float',
      { ...ok, value: -1.7976931348623157e308 },
      { v: -1.7976931348623157e308 },
    ],
    ['RFC 3339 Z', { ...ok, ts: '2026-11-22T09:59:00Z' }, { t: now - 60_000 }],
    ['RFC 3339 with offset', { ...ok, ts: '2026-11-22T11:59:00+02:00' }, { t: now - 60_000 }],
    ['RFC 3339 negative offset', { ...ok, ts: '2026-11-22T04:29:00-05:30' }, { t: now - 60_000 }],
    [
      'fraction rounded down',
      { ...ok, ts: '2026-11-22T09:59:00.123987654Z' },
      { t: now - 60_000 + 123 },
    ],
    ['short fraction', { ...ok, ts: '2026-11-22T09:59:00.5z' }, { t: now - 60_000 + 500 }],
    ['integer ms', { ...ok, ts: now - 1234 }, { t: now - 1234 }],
    ['ts exactly maxAge old', { ...ok, ts: now - 15 * day }, { t: now - 15 * day }],
    ['ts exactly maxFuture ahead', { ...ok, ts: now + 10 * 60_000 }, { t: now + 10 * 60_000 }],
    [
      'RFC 3339 exactly maxFuture ahead',
      { ...ok, ts: '2026-11-22T10:10:00.000Z' },
      { t: now + 600_000 },
    ],
    [
      'label list',
      {
        ...ok,
        labels: [
          { name: 'b', value: '2' },
          { name: 'a', value: '1' },
        ],
      },
      { key: 'cpu_usage_percent{a="1",b="2"}' },
    ],
    [
      'constructor as a label name',
      { ...ok, labels: { constructor: 'x' } },
      { labels: { __name__: 'cpu_usage_percent', constructor: 'x' } },
    ],
  ]

  it.each(accepted)('accepts %s', (_, raw, expected) => {
    expect(accept(raw)).toMatchObject(expected)
  })

  it('drops empty label values (an empty value means the label is absent)', () => {
    const s = accept({ name: 'up', labels: { job: 'api', instance: '', env: '' }, value: 1 })
    expect(s.labels).toEqual({ __name__: 'up', job: 'api' })
    expect(s.key).toBe('up{job="api"}')
    expect(accept({ name: 'up', labels: [{ name: 'job', value: '' }], value: 1 }).key).toBe('up')
  })

  it('sorts labels, __name__ in its place, and label order does not change the key', () => {
    const a = accept({ name: 'm', labels: { zone: 'z', Host: 'h', app: 'x' }, value: 1 })
    const b = accept({ name: 'm', labels: { app: 'x', zone: 'z', Host: 'h' }, value: 1 })
    expect(a.key).toBe('m{Host="h",app="x",zone="z"}')
    expect(b.key).toBe(a.key)
    expect(Object.keys(a.labels)).toEqual(['Host', '__name__', 'app', 'zone'])
    expect(Object.keys(b.labels)).toEqual(Object.keys(a.labels))
    expect(seriesKey(a.labels)).toBe(a.key)
  })

  it('escapes \\, " and newlines in label values of the key', () => {
    const s = accept({ name: 'm', labels: { path: 'C:\\tmp\\"x"\nend' }, value: 1 })
    expect(s.key).toBe('m{path="C:\\\\tmp\\\\\\"x\\"\\nend"}')
    expect(parseSeriesKey(s.key)).toEqual(s.labels)
  })

  it('labelsFromPairs builds labels and refuses a repeated name', () => {
    expect(
      labelsFromPairs([
        ['__name__', 'up'],
        ['job', 'api'],
      ]),
    ).toEqual({
      ok: true,
      labels: { __name__: 'up', job: 'api' },
    })
    expect(
      labelsFromPairs([
        ['job', 'a'],
        ['job', 'b'],
      ]),
    ).toEqual({
      ok: false,
      reason: 'duplicate_label',
      message: 'label "job" appears twice',
    })
    const proto = labelsFromPairs([['__proto__', 'x']])
    expect(proto.ok && Object.keys(proto.labels)).toEqual(['__proto__'])
    // The label list then goes through validateSample, which refuses the reserved name.
    const { __name__, ...rest } = (
      labelsFromPairs([
        ['__name__', 'up'],
        ['__proto__', 'x'],
      ]) as { labels: Labels }
    ).labels
    const result = validateSample({ name: __name__, labels: rest, value: 1 }, now, limits)
    expect(result.ok || result.reason).toBe('invalid_label_name')
  })

  it('parseRfc3339 handles leap years, offsets across midnight and old dates', () => {
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBe(Date.parse('2024-02-29T00:00:00Z'))
    expect(parseRfc3339('2000-02-29T23:30:00-01:00')).toBe(Date.parse('2000-03-01T00:30:00Z'))
    expect(parseRfc3339('1900-02-29T00:00:00Z')).toBeUndefined()
    expect(parseRfc3339('0050-06-01T12:00:00Z')).toBe(Date.parse('0050-06-01T12:00:00Z'))
    expect(parseRfc3339('1969-12-31T23:59:59.999Z')).toBe(-1)
    expect(parseRfc3339('2026-11-22T10:00:00+24:00')).toBeUndefined()
    expect(parseRfc3339('2026-13-01T00:00:00Z')).toBeUndefined()
    expect(parseRfc3339('2026-11-22T10:00:60Z')).toBeUndefined()
    expect(parseRfc3339('2026-11-22t10:00:00z')).toBe(now)
    expect(parseRfc3339('2026-11-22T10:00:00.1+00:00')).toBe(now + 100)
    expect(parseRfc3339('2026-11-22T10:00:00.123456789123Z')).toBe(now + 123)
    for (const bad of [
      '2026-11-22T10:00:00.Z',
      '2026-11-22T10:00:00Zx',
      '2026-11-22T10:00:00+0100',
      '2026-11-22T10:00:00+01:00x',
      '2026-11-22T10:00:00+01:60',
      '2026-1-22T10:00:00Z',
      '2026-11-22T1a:00:00Z',
      '2026-11-22X10:00:00Z',
      '2026-00-10T10:00:00Z',
      '2026-04-31T10:00:00Z',
      ' 2026-11-22T10:00:00Z',
    ]) {
      expect(parseRfc3339(bad)).toBeUndefined()
    }
  })

  it('parseRfc3339 agrees with Date.parse on generated times', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2200-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -23 * 60, max: 23 * 60 }),
        (date, offsetMin) => {
          const local = new Date(date.getTime() + offsetMin * 60_000).toISOString().slice(0, -1)
          const abs = Math.abs(offsetMin)
          const zone = `${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
          expect(parseRfc3339(local + zone)).toBe(date.getTime())
        },
      ),
    )
  })

  it('validates 10 000 samples quickly (logs samples/s)', () => {
    const raws: RawSample[] = Array.from({ length: 10_000 }, (_, i) => ({
      name: 'http_requests_total',
      labels: {
        job: 'api',
        instance: `10.0.${i % 256}.${i % 7}:9100`,
        method: i % 2 ? 'GET' : 'POST',
        code: '200',
      },
      value: i * 1.5,
      ts: now - (i % 1000) * 1000,
    }))
    const run = () => {
      let n = 0
      for (const raw of raws) if (validateSample(raw, now, limits).ok) n++
      return n
    }
    for (let i = 0; i < 30; i++) run() // warm up the JIT
    const rounds = 50
    const start = performance.now()
    for (let i = 0; i < rounds; i++) expect(run()).toBe(10_000)
    const ms = (performance.now() - start) / rounds
    console.log(
      `validateSample: 10 000 samples (4 labels, integer ts) in ${ms.toFixed(2)} ms ≈ ${Math.round(10_000 / (ms / 1000)).toLocaleString('en')} samples/s`,
    )
    const rfc = raws.map((r) => ({ ...r, ts: new Date(r.ts as number).toISOString() }))
    const rfcStart = performance.now()
    for (let i = 0; i < rounds; i++) for (const raw of rfc) validateSample(raw, now, limits)
    const rfcMs = (performance.now() - rfcStart) / rounds
    console.log(
      `validateSample: 10 000 samples (4 labels, RFC 3339 ts) in ${rfcMs.toFixed(2)} ms ≈ ${Math.round(10_000 / (rfcMs / 1000)).toLocaleString('en')} samples/s`,
    )
  })
})

describe('seriesKey', () => {
  const cases: [string, Labels, string][] = [
    ['name only', { __name__: 'up' }, 'up'],
    ['sorted labels', { __name__: 'm', b: '2', a: '1' }, 'm{a="1",b="2"}'],
    ['no name', { job: 'api' }, '{job="api"}'],
    ['quotes', { __name__: 'm', q: 'say "hi"' }, 'm{q="say \\"hi\\""}'],
    ['backslashes', { __name__: 'm', p: 'C:\\dir\\' }, 'm{p="C:\\\\dir\\\\"}'],
    ['newline', { __name__: 'm', t: 'a\nb' }, 'm{t="a\\nb"}'],
    ['backslash then n', { __name__: 'm', t: 'a\\nb' }, 'm{t="a\\\\nb"}'],
    ['braces, commas, equals', { __name__: 'm', t: '},{a="b",' }, 'm{t="},{a=\\"b\\","}'],
    [
      'unicode',
      { __name__: 'm', city: 'Zürich €😀', cjk: '東京' },
      'm{city="Zürich €😀",cjk="東京"}',
    ],
    ['tab and CR kept raw', { __name__: 'm', t: 'a\tb\rc' }, 'm{t="a\tb\rc"}'],
    ['name not a metric name', { __name__: 'my metric', a: '1' }, '{__name__="my metric",a="1"}'],
    ['uppercase before __name__', { __name__: 'm', Z: 'z', a: 'a' }, 'm{Z="z",a="a"}'],
  ]

  it.each(cases)('renders and parses back: %s', (_, labels, key) => {
    expect(seriesKey(labels)).toBe(key)
    expect(parseSeriesKey(key)).toEqual(labels)
  })

  it('leaves out empty values', () => {
    expect(seriesKey({ __name__: 'm', a: '', b: '1' })).toBe('m{b="1"}')
  })

  it('parseSeriesKey returns keys sorted like ValidSample.labels', () => {
    expect(Object.keys(parseSeriesKey('m{Z="z",a="a"}'))).toEqual(['Z', '__name__', 'a'])
    expect(parseSeriesKey('up{}')).toEqual({ __name__: 'up' })
  })

  it.each([
    ['1bad'],
    ['m{a="1"'],
    ['m{a="1",}'],
    ['m{a=1}'],
    ['m{a="1"}x'],
    ['m{a="\\t"}'],
    ['m{a="1",a="2"}'],
    ['m{1a="x"}'],
    ['{}'],
    [''],
  ])('parseSeriesKey refuses %j with a ValidationError', (key) => {
    expect(() => parseSeriesKey(key)).toThrow(ValidationError)
  })

  const labelName = fc
    .stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/)
    .filter((n) => !n.startsWith('__'))
  const labelValue = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom('\\', '"', '\n', 'n', ',', '}', '{', '=', 'é', '😀'),
      minLength: 1,
    }),
  )
  const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,30}$/)
  const labelsArb = fc
    .tuple(metricName, fc.dictionary(labelName, labelValue, { maxKeys: 12 }))
    .map(([name, rest]): Labels => ({ __name__: name, ...rest }))

  it('round-trips any valid labels (property)', () => {
    fc.assert(
      fc.property(labelsArb, (labels) => {
        const key = seriesKey(labels)
        expect(parseSeriesKey(key)).toEqual(labels)
        // The key is canonical: the same labels in another order give the same key.
        const reversed = Object.fromEntries(Object.entries(labels).reverse())
        expect(seriesKey(reversed)).toBe(key)
      }),
      { numRuns: 500 },
    )
  })

  it('validateSample gives the same key and labels as seriesKey (property)', () => {
    fc.assert(
      fc.property(labelsArb, (labels) => {
        const { __name__, ...rest } = labels
        fc.pre(Object.keys(rest).length <= 30)
        fc.pre(Object.values(rest).every((v) => new TextEncoder().encode(v).length <= 1024))
        const result = validateSample({ name: __name__, labels: rest, value: 1 }, now, limits)
        expect(result.ok).toBe(true)
        if (!result.ok) return
        expect(result.sample.key).toBe(seriesKey(labels))
        expect(result.sample.labels).toEqual(labels)
        expect(parseSeriesKey(result.sample.key)).toEqual(result.sample.labels)
      }),
      { numRuns: 300 },
    )
  })
})
