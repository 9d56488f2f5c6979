import { describe, expect, it } from 'bun:test'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { Breaker } from '../../src/notify/breaker.ts'
import { parseNotifyFile } from '../../src/notify/file.ts'
import { TokenBucket } from '../../src/notify/rate-limit.ts'
import { backoffDelay, nextAttemptDelay, parseRetryAfter } from '../../src/notify/retry.ts'
import { planRoute, recipients } from '../../src/notify/route.ts'
import { createSecretBox, loadKey } from '../../src/notify/secret-box.ts'
import { keepRedacted, redactSecrets } from '../../src/notify/secrets.ts'
import type { IncidentSnapshot } from '../../src/notify/types.ts'
import { tempDir } from '../helpers/app.ts'

const backoff = { baseMs: 1000, maxMs: 60_000 }

describe('retry', () => {
  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0, 1000],
    [3, 1, 4000],
    [10, 1, 60_000],
    [10, 0, 30_000],
  ])('backoffDelay(%i, random %d) is %i ms', (attempt, random, ms) => {
    expect(backoffDelay(attempt, backoff, random)).toBe(ms)
  })

  it.each([
    ['120', 120_000],
    ['0', 0],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30_000],
    ['soon', undefined],
    [null, undefined],
    ['99999999', 86_400_000],
  ])('parseRetryAfter(%j) is %j ms', (header, ms) => {
    expect(parseRetryAfter(header, Date.parse('2026-11-22T10:00:00Z'))).toBe(ms)
  })

  it('nextAttemptDelay() takes Retry-After when it is longer than the backoff', () => {
    expect(nextAttemptDelay(1, backoff, 1, 5000)).toBe(5000)
    expect(nextAttemptDelay(3, backoff, 1, 5)).toBe(4000)
  })
})

describe('breaker', () => {
  it('opens after the threshold, lets one probe through after the cool-down, closes on success', () => {
    const b = new Breaker({ threshold: 3, cooldownMs: 1000 })
    expect(b.failure(0)).toBe(false)
    expect(b.failure(1)).toBe(false)
    expect(b.failure(2)).toBe(true)
    expect(b.state(500)).toBe('open')
    expect(b.admit(500)).toEqual({ ok: false, retryAt: 1002 })
    expect(b.state(1002)).toBe('half_open')
    expect(b.admit(1002)).toEqual({ ok: true })
    expect(b.admit(1003).ok).toBe(false)
    b.success()
    expect(b.state(1004)).toBe('closed')
  })

  it('opens again at once when the probe fails', () => {
    const b = new Breaker({ threshold: 1, cooldownMs: 100 })
    b.failure(0)
    expect(b.admit(100).ok).toBe(true)
    expect(b.failure(150)).toBe(true)
    expect(b.state(200)).toBe('open')
  })
})

describe('rate limit', () => {
  it('TokenBucket.take() allows perMinute sends, then says when the next token arrives', () => {
    const bucket = new TokenBucket(2)
    expect(bucket.take(0).ok).toBe(true)
    expect(bucket.take(0).ok).toBe(true)
    expect(bucket.take(0)).toEqual({ ok: false, retryAt: 30_000 })
    expect(bucket.take(30_000).ok).toBe(true)
  })
})

const incident = (labels: Record<string, string>, severity: IncidentSnapshot['severity']) =>
  ({
    id: 'i',
    fingerprint: 'f',
    title: 't',
    severity,
    status: 'triggered',
    labels,
    annotations: {},
    startedAt: 0,
  }) as IncidentSnapshot

describe('routing', () => {
  const { routes } = parseNotifyFile(
    [
      'routes:',
      '  - {match: {team: db}, channels: [db-pager], repeat_interval: 30m}',
      '  - {match_re: {team: "web|api"}, severity: [critical], channels: [pager], continue: true}',
      '  - {match_re: {team: "web|api"}, channels: [web-slack], notify_resolved: false, repeat_interval: 1h}',
    ].join('\n'),
    'notify.yaml',
  )

  it.each([
    [{ team: 'db' }, 'low', [], ['db-pager'], 1_800_000],
    [{ team: 'web' }, 'critical', [], ['pager', 'web-slack'], 3_600_000],
    [{ team: 'api' }, 'high', ['rule-hook'], ['rule-hook', 'web-slack'], 3_600_000],
    [{ team: 'webby' }, 'critical', [], [], 14_400_000],
    [{}, 'high', ['rule-hook'], ['rule-hook'], 14_400_000],
  ] as const)(
    'planRoute(%j, %s, rule %j) sends to %j repeating every %i ms',
    (labels, sev, own, want, repeat) => {
      const plan = planRoute(routes, incident(labels, sev), own, 14_400_000)
      expect(recipients(plan, 'triggered')).toEqual([...want])
      expect(plan.repeatIntervalMs).toBe(repeat)
    },
  )

  it('recipients() leaves out routes with notify_resolved: false on acknowledge and resolve', () => {
    const plan = planRoute(routes, incident({ team: 'web' }, 'critical'), [], 0)
    expect(recipients(plan, 'resolved')).toEqual(['pager'])
    expect(recipients(plan, 'acknowledged')).toEqual(['pager'])
  })

  it('parseNotifyFile() names the path of a problem', () => {
    expect(() => parseNotifyFile('routes: [{channels: []}]', 'n.yaml')).toThrow(
      'n.yaml: routes.0.channels',
    )
    expect(() => parseNotifyFile('channels: [{name: a, type: sms, config: {}}]', 'n.yaml')).toThrow(
      'channels.0.type',
    )
    expect(() =>
      parseNotifyFile('routes: [{match_re: {a: "("}, channels: [x]}]', 'n.yaml'),
    ).toThrow('regular expression')
  })
})

describe('secrets', () => {
  it('loadKey() generates a key file with mode 0600 once and reads it back', () => {
    const dir = tempDir()
    const key = loadKey(undefined, dir)
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600)
    expect(loadKey(undefined, dir).equals(key)).toBe(true)
    expect(loadKey('00'.repeat(32), dir).equals(Buffer.alloc(32))).toBe(true)
    expect(() => loadKey('short', dir)).toThrow('VIGIL_SECRET_KEY')
  })

  it('a sealed secret opens only with the same key and the same channel and field', () => {
    const box = createSecretBox(Buffer.alloc(32, 1))
    const sealed = box.seal('hunter2-routing-key', 'notify-channel:a:url')
    expect(sealed).not.toContain('hunter2')
    expect(box.open(sealed, 'notify-channel:a:url')).toBe('hunter2-routing-key')
    expect(() => box.open(sealed, 'notify-channel:b:url')).toThrow()
    expect(() =>
      createSecretBox(Buffer.alloc(32, 2)).open(sealed, 'notify-channel:a:url'),
    ).toThrow()
  })

  it('redactSecrets() and keepRedacted() hide values and keep them through an edit', () => {
    const config = {
      url: 'https://x',
      secret: 's3cr3t-value',
      headers: { Authorization: 'Bearer t' },
    }
    const shown = redactSecrets(config, ['secret', 'headers'])
    expect(shown).toEqual({ url: 'https://x', secret: '***', headers: { Authorization: '***' } })
    expect(keepRedacted({ ...shown, url: 'https://y' }, config, ['secret', 'headers'])).toEqual({
      ...config,
      url: 'https://y',
    })
  })
})
