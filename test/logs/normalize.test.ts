import { describe, expect, test } from 'bun:test'
import { logLimits, normalizeLevel, validateLog } from '../../src/logs/normalize.ts'
import { loadConfig } from '../../src/config.ts'
import { recordRejectReasons } from '../../src/ingest/record.ts'
import { rejectReasons } from '../../src/metrics/validate.ts'

const limits = logLimits(loadConfig({}, {}))
const now = Date.parse('2026-11-22T10:00:00Z')

describe('normalize', () => {
  test.each([
    ['debug', 'debug'],
    ['TRACE', 'debug'],
    ['verbose', 'debug'],
    ['info', 'info'],
    ['INFO', 'info'],
    ['notice', 'info'],
    ['Information', 'info'],
    ['warn', 'warn'],
    ['WARNING', 'warn'],
    ['Warn', 'warn'],
    ['error', 'error'],
    ['ERROR', 'error'],
    ['err', 'error'],
    ['fatal', 'fatal'],
    ['CRITICAL', 'fatal'],
    ['crit', 'fatal'],
    ['panic', 'fatal'],
    ['emerg', 'fatal'],
    [' warning ', 'warn'],
    [3, 'error'],
    [7, 'debug'],
    [undefined, 'info'],
    ['', 'info'],
  ])('normalizeLevel(%p) returns %p', (input, expected) => {
    expect(normalizeLevel(input)).toBe(expected as never)
  })

  test.each([['loud'], ['severe'], [42], [true], [{}]])(
    'normalizeLevel(%p) returns undefined for an unknown level',
    (input) => {
      expect(normalizeLevel(input)).toBeUndefined()
    },
  )

  test.each([
    [{ service: 'api', message: 'x', level: 'loud' }, 'invalid_level'],
    [{ message: 'x' }, 'missing_service'],
    [{ service: '', message: 'x' }, 'missing_service'],
    [{ service: 'a b', message: 'x' }, 'invalid_service'],
    [{ service: 'a'.repeat(129), message: 'x' }, 'service_too_long'],
    [{ service: 'api', message: 5 }, 'invalid_message'],
    [{ service: 'api', message: 'x', ts: 'yesterday' }, 'invalid_timestamp'],
    [{ service: 'api', message: 'x', ts: now - 8 * 86_400_000 }, 'too_old'],
    [{ service: 'api', message: 'x', ts: now + 3600_000 }, 'too_far_in_future'],
    [{ service: 'api', message: 'x', labels: { 'bad-name': 'v' } }, 'invalid_label_name'],
    [{ service: 'api', message: 'x', labels: { host: 5 } }, 'invalid_label_value'],
    [{ service: 'api', message: 'x', labels: { host: 'h'.repeat(1025) } }, 'label_value_too_long'],
    [
      {
        service: 'api',
        message: 'x',
        labels: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`l${i}`, 'v'])),
      },
      'too_many_labels',
    ],
    ['just a string', 'invalid_record'],
  ])('validateLog(%j) refuses with reason %s', (raw, reason) => {
    const result = validateLog(raw, now, limits)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.reason).toBe(reason)
    // Every reason is pre-created in vigil_ingest_rejected_total.
    expect([...recordRejectReasons, ...rejectReasons]).toContain(reason)
  })

  test.each([
    ['2026-11-22T09:59:00Z', Date.parse('2026-11-22T09:59:00Z')],
    ['2026-11-22T11:59:00+02:00', Date.parse('2026-11-22T09:59:00Z')],
    [now - 1000, now - 1000],
    [undefined, now],
  ])('validateLog() reads ts %p as %p', (ts, expected) => {
    const result = validateLog({ service: 'api', message: 'x', ts }, now, limits)
    expect(result.ok && result.line.ts).toBe(expected)
  })

  test('validateLog() truncates a message over the limit on a character boundary and flags it', () => {
    const message = 'é'.repeat(40_000) // 80 000 bytes
    const result = validateLog({ service: 'api', message }, now, limits)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.line.truncated).toBe(true)
    expect(new TextEncoder().encode(result.line.message).length).toBe(64 * 1024)
    expect(result.line.message).toBe('é'.repeat(32 * 1024))
  })

  test('validateLog() keeps labels sorted and drops empty values', () => {
    const result = validateLog(
      { service: 'api', message: 'x', labels: { pod: 'p1', host: 'a', zone: '' } },
      now,
      limits,
    )
    expect(result.ok && Object.entries(result.line.labels)).toEqual([
      ['host', 'a'],
      ['pod', 'p1'],
    ])
  })
})
