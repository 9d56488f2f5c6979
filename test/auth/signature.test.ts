import { describe, expect, it } from 'bun:test'
import { createHmac } from 'node:crypto'
import {
  isSignatureId,
  signPayload,
  signatureHeader,
  signatureIdHeader,
  verifySignature,
} from '../../src/auth/signature.ts'

const secret = 'whsec_current'
const oldSecret = 'whsec_previous'
const now = 1_800_000_000
const id = 'req_01HZX3'
const body = '{"event":"job.finished","id":42}'

function v1(key: string, t: number, signedId: string, payload: string): string {
  return createHmac('sha256', key).update(`${t}.${signedId}.${payload}`).digest('hex')
}

describe('signature', () => {
  it('exports the header names', () => {
    expect(signatureHeader).toBe('X-Vigil-Signature')
    expect(signatureIdHeader).toBe('X-Vigil-Signature-Id')
  })

  it('signPayload() returns t=<seconds>,v1=<hex of HMAC-SHA256 over "t.id.body">', () => {
    const signed = signPayload(secret, body, now + 0.9, id)
    expect(signed).toEqual({ header: `t=${now},v1=${v1(secret, now, id, body)}`, id })
  })

  it('signPayload() signs a byte body the same as its UTF-8 string', () => {
    const text = '{"name":"café ☕"}'
    expect(signPayload(secret, new TextEncoder().encode(text), now, id)).toEqual(
      signPayload(secret, text, now, id),
    )
  })

  it.each([
    ['an empty secret', '', id],
    ['an id with a dot', secret, 'a.b'],
    ['an empty id', secret, ''],
  ])('signPayload() throws on %s', (_, key, requestId) => {
    expect(() => signPayload(key, body, now, requestId)).toThrow(RangeError)
  })

  it.each([
    ['abc-DEF_123', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['a.b', false],
    ['', false],
    ['with space', false],
  ])('isSignatureId(%p) returns %p', (value, expected) => {
    expect(isSignatureId(value)).toBe(expected)
  })

  const header = signPayload(secret, body, now, id).header

  it.each([
    ['a valid signature', { header }, { ok: true, timestamp: now }],
    ['a byte body', { body: new TextEncoder().encode(body) }, { ok: true, timestamp: now }],
    ['a wrong secret', { secret: 'whsec_other' }, { ok: false, reason: 'mismatch' }],
    ['a tampered body', { body: body.replace('42', '43') }, { ok: false, reason: 'mismatch' }],
    ['a tampered id', { id: 'req_01HZX4' }, { ok: false, reason: 'mismatch' }],
    ['no secrets', { secret: [] as string[] }, { ok: false, reason: 'mismatch' }],
    [
      'an empty secret',
      { secret: '', header: signPayload('x', body, now, id).header },
      {
        ok: false,
        reason: 'mismatch',
      },
    ],
    ['t = now - 301', { nowSeconds: now + 301 }, { ok: false, reason: 'stale' }],
    ['t = now + 301', { nowSeconds: now - 301 }, { ok: false, reason: 'stale' }],
    ['t = now - 300', { nowSeconds: now + 300 }, { ok: true, timestamp: now }],
    ['t = now + 300', { nowSeconds: now - 300 }, { ok: true, timestamp: now }],
    [
      't = now - 11 with a 10 s tolerance',
      { nowSeconds: now + 11, toleranceSeconds: 10 },
      {
        ok: false,
        reason: 'stale',
      },
    ],
    ['no header', { header: undefined }, { ok: false, reason: 'missing' }],
    ['no id', { id: undefined }, { ok: false, reason: 'missing' }],
    ['a malformed id', { id: 'req.1' }, { ok: false, reason: 'malformed' }],
  ] as const)('verifySignature() answers %s with %j', (_, change, expected) => {
    const result = verifySignature({ secret, header, id, body, nowSeconds: now, ...change })
    expect(result).toEqual(expected)
  })

  it('verifySignature() does not accept a stale request even when it matches', () => {
    const old = signPayload(secret, body, now - 301, id).header
    expect(verifySignature({ secret, header: old, id, body, nowSeconds: now })).toEqual({
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
    expect(verifySignature({ secret, header: bad, id, body, nowSeconds: now })).toEqual({
      ok: false,
      reason: 'malformed',
    })
  })

  it('verifySignature() accepts spaces, upper-case hex and unknown keys around the entries', () => {
    const hex = v1(secret, now, id, body).toUpperCase()
    const loose = ` t=${now} , v0=whatever, v1=${hex} `
    expect(verifySignature({ secret, header: loose, id, body, nowSeconds: now })).toEqual({
      ok: true,
      timestamp: now,
    })
  })

  it.each([
    ['signed with the new secret', [v1(secret, now, id, body)]],
    ['signed with the old secret', [v1(oldSecret, now, id, body)]],
    ['signed with both', [v1(oldSecret, now, id, body), v1(secret, now, id, body)]],
    ['a wrong entry before the right one', ['0'.repeat(64), v1(secret, now, id, body)]],
  ])('verifySignature() accepts a request %s while two secrets are valid', (_, hexes) => {
    const rotating = `t=${now},${hexes.map((h) => `v1=${h}`).join(',')}`
    expect(
      verifySignature({ secret: [secret, oldSecret], header: rotating, id, body, nowSeconds: now }),
    ).toEqual({ ok: true, timestamp: now })
  })

  it('verifySignature() refuses a request signed only with a retired secret', () => {
    const retired = `t=${now},v1=${v1(oldSecret, now, id, body)}`
    expect(
      verifySignature({ secret: [secret], header: retired, id, body, nowSeconds: now }),
    ).toEqual({ ok: false, reason: 'mismatch' })
  })

  it('verifySignature() throws on a negative tolerance', () => {
    expect(() =>
      verifySignature({ secret, header, id, body, nowSeconds: now, toleranceSeconds: -1 }),
    ).toThrow(RangeError)
  })
})
