import { describe, expect, it } from 'bun:test'
import { canonicalJson, entryHash, genesisHash, verifyChain } from '../../src/audit/chain.ts'
import type { AuditEntry, AuditRecord } from '../../src/audit/types.ts'

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = []
  let prev = genesisHash
  for (let seq = 1; seq <= n; seq++) {
    const record: AuditRecord = {
      seq,
      ts: 1_795_000_000_000 + seq,
      actor: 'ada',
      actorType: 'user',
      action: 'user.create',
      target: `user:u${seq}`,
      outcome: 'success',
      requestId: null,
      clientAddress: '127.0.0.1',
      details: { role: 'viewer', n: seq },
    }
    const hash = entryHash(prev, record)
    out.push({ ...record, prevHash: prev, hash })
    prev = hash
  }
  return out
}

describe('chain', () => {
  it('canonicalJson() sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"e":1,"f":2}]},"b":1}',
    )
  })

  it('verifyChain() accepts an untouched chain and an empty one', () => {
    expect(verifyChain(chain(5))).toEqual({ ok: true, count: 5, lastSeq: 5 })
    expect(verifyChain([])).toEqual({ ok: true, count: 0, lastSeq: 0 })
  })

  it.each([
    ['a changed field', (c: AuditEntry[]) => void (c[2]!.actor = 'eve'), 3, 'was changed'],
    [
      'changed details',
      (c: AuditEntry[]) => void (c[1]!.details = { role: 'admin' }),
      2,
      'was changed',
    ],
    ['a deleted entry', (c: AuditEntry[]) => void c.splice(2, 1), 3, 'missing'],
    ['a deleted first entry', (c: AuditEntry[]) => void c.shift(), 1, 'missing'],
    [
      'a re-hashed entry',
      (c: AuditEntry[]) => {
        c[1]!.actor = 'eve'
        c[1]!.hash = entryHash(c[1]!.prevHash, c[1]!)
      },
      3,
      'prev_hash',
    ],
  ])('verifyChain() names the first broken entry after %s', (_, tamper, seq, reason) => {
    const c = chain(5)
    tamper(c)
    const verdict = verifyChain(c)
    expect(verdict.ok).toBe(false)
    if (!verdict.ok) {
      expect(verdict.seq).toBe(seq)
      expect(verdict.reason).toContain(reason)
    }
  })
})
