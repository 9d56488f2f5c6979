import { describe, expect, it } from 'bun:test'
import { createHash, createHmac } from 'node:crypto'
import { signPayload, signatureHeader, verifySignature } from '../../src/auth/signature.ts'

const secret = 'whsec_current'
const oldSecret = 'whsec_previous'
const now = 1_800_000_000
const body = '{"event":"job.finished","id":42}'

function v1(key: string, t: number, payload: string): string {
  return createHmac('sha256', key).update(`${t}.${payload}`).digest('hex')
}

function digest(t: number, payload: string): string {
  return createHash('sha256').update(`${t}.${payload}`).digest('hex')
}

const id = digest(now, body)

describe('signature', () => {
  it('exports the header name', () => {
    expect(signatureHeader).toBe('X-Vigil-Signature')
  })

  it('signPayload() returns t=<seconds>,v1=<hex of HMAC-SHA256 over "t.body">', () => {
    const signed = signPayload(secret, body, now + 0.9)
    expect(signed).toEqual({ header: `t=${now},v1=${v1(secret, now, body)}` })
  })

  it('signPayload() signs a byte body the same as its UTF-8 string', () => {
    const text = '{"name":"café ☕"}'
    expect(signPayload(secret, new TextEncoder().encode(text), now)).toEqual(
      signPayload(secret, text, now),
    )
  })

  it.each([
    ['an empty secret', '', now],
    ['a negative time', secret, -1],
    ['a time that is not finite', secret, Number.NaN],
  ])('signPayload() throws on %s', (_, key, t) => {
    expect(() => signPayload(key, body, t)).toThrow(RangeError)
  })

  it('verifySignature() accepts a v1 computed independently over exactly "t.body"', () => {
    const hex = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex')
    const header = `t=${now},v1=${hex}`
    expect(verifySignature({ secret, header, body, nowSeconds: now })).toEqual({
      ok: true,
      timestamp: now,
      id,
    })
  })

  it('verifySignature() returns as id the lower-case hex SHA-256 of "t.body"', () => {
    const header = signPayload(secret, body, now).header
    const result = verifySignature({ secret, header, body, nowSeconds: now })
    expect(result.ok && result.id).toBe(createHash('sha256').update(`${now}.${body}`).digest('hex'))
    expect(result.ok && result.id).toMatch(/^[0-9a-f]{64}$/)
  })

  it('verifySignature() returns different ids for different bodies at the same t', () => {
    const other = body.replace('42', '43')
    const a = verifySignature({
      secret,
      header: signPayload(secret, body, now).header,
      body,
      nowSeconds: now,
    })
    const b = verifySignature({
      secret,
      header: signPayload(secret, other, now).header,
      body: other,
      nowSeconds: now,
    })
    expect([a.ok, b.ok]).toEqual([true, true])
    expect(a.ok && b.ok && a.id !== b.id).toBe(true)
  })

  it('verifySignature() returns different ids for the same body at different t', () => {
    const a = verifySignature({
      secret,
      header: signPayload(secret, body, now).header,
      body,
      nowSeconds: now,
    })
    const b = verifySignature({
      secret,
      header: signPayload(secret, body, now + 1).header,
      body,
      nowSeconds: now,
    })
    expect(a.ok && b.ok && a.id !== b.id).toBe(true)
  })

  const header = signPayload(secret, body, now).header

  it.each([
    ['a valid signature', { header }, { ok: true, timestamp: now, id }],
    ['a byte body', { body: new TextEncoder().encode(body) }, { ok: true, timestamp: now, id }],
    ['a wrong secret', { secret: 'whsec_other' }, { ok: false, reason: 'mismatch' }],
    ['a tampered body', { body: body.replace('42', '43') }, { ok: false, reason: 'mismatch' }],
    ['no secrets', { secret: [] as string[] }, { ok: false, reason: 'mismatch' }],
    [
      'an empty secret',
      { secret: '', header: signPayload('x', body, now).header },
      { ok: false, reason: 'mismatch' },
    ],
    ['t = now - 301', { nowSeconds: now + 301 }, { ok: false, reason: 'stale' }],
    ['t = now + 301', { nowSeconds: now - 301 }, { ok: false, reason: 'stale' }],
    ['t = now - 300', { nowSeconds: now + 300 }, { ok: true, timestamp: now, id }],
    ['t = now + 300', { nowSeconds: now - 300 }, { ok: true, timestamp: now, id }],
    [
      't = now - 11 with a 10 s tolerance',
      { nowSeconds: now + 11, toleranceSeconds: 10 },
      { ok: false, reason: 'stale' },
    ],
    ['no header', { header: undefined }, { ok: false, reason: 'missing' }],
  ] as const)('verifySignature() answers %s with %j', (_, change, expected) => {
    const result = verifySignature({ secret, header, body, nowSeconds: now, ...change })
    expect(result).toEqual(expected)
  })

  it('verifySignature() does not accept a stale request even when it matches', () => {
    const old = signPayload(secret, body, now - 301).header
    expect(verifySignature({ secret, header: old, body, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'stale',
    })
  })

  it.each([
    '',
    't=abc,v1=00',
    'v1=abcd',
    't=1',
    'garbage',
    `t=${now}`,
    `v1=${'a'.repeat(64)}`,
    `t=${now},v1=abcd`,
    `t=${now},v1=${'g'.repeat(64)}`,
    `t=${now},t=${now},v1=${'a'.repeat(64)}`,
    `t=-${now},v1=${'a'.repeat(64)}`,
    `t=${now}.5,v1=${'a'.repeat(64)}`,
    `t=${now},=x,v1=${'a'.repeat(64)}`,
    `t=${now},${Array.from({ length: 9 }, () => `v1=${'a'.repeat(64)}`).join(',')}`,
  ])('verifySignature() returns malformed for header %p', (bad) => {
    expect(verifySignature({ secret, header: bad, body, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'malformed',
    })
  })

  it('verifySignature() accepts spaces, upper-case hex and unknown keys around the entries', () => {
    const hex = v1(secret, now, body).toUpperCase()
    const loose = ` t=${now} , v0=whatever, v1=${hex} `
    expect(verifySignature({ secret, header: loose, body, nowSeconds: now })).toEqual({
      ok: true,
      timestamp: now,
      id,
    })
  })

  it.each([
    ['signed with the new secret', [v1(secret, now, body)]],
    ['signed with the old secret', [v1(oldSecret, now, body)]],
    ['signed with both', [v1(oldSecret, now, body), v1(secret, now, body)]],
    ['a wrong entry before the right one', ['0'.repeat(64), v1(secret, now, body)]],
  ])('verifySignature() accepts a request %s while two secrets are valid', (_, hexes) => {
    const rotating = `t=${now},${hexes.map((h) => `v1=${h}`).join(',')}`
    expect(
      verifySignature({ secret: [secret, oldSecret], header: rotating, body, nowSeconds: now }),
    ).toEqual({ ok: true, timestamp: now, id })
  })

  it('verifySignature() returns the same id whichever v1 entry of a rotated request is kept', () => {
    const both = `t=${now},v1=${v1(secret, now, body)},v1=${v1(oldSecret, now, body)}`
    const firstOnly = `t=${now},v1=${v1(secret, now, body)}`
    const secondOnly = `t=${now},v1=${v1(oldSecret, now, body)}`
    const ids = [both, firstOnly, secondOnly].map((h) => {
      const result = verifySignature({
        secret: [secret, oldSecret],
        header: h,
        body,
        nowSeconds: now,
      })
      return result.ok ? result.id : result.reason
    })
    expect(ids).toEqual([id, id, id])
  })

  it('verifySignature() refuses a request signed only with a retired secret', () => {
    const retired = `t=${now},v1=${v1(oldSecret, now, body)}`
    expect(verifySignature({ secret: [secret], header: retired, body, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'mismatch',
    })
  })

  it('verifySignature() throws on a negative tolerance', () => {
    expect(() =>
      verifySignature({ secret, header, body, nowSeconds: now, toleranceSeconds: -1 }),
    ).toThrow(RangeError)
  })
})
