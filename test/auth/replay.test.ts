import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryReplayStore, SqlReplayStore, type ReplayStore } from '../../src/auth/replay.ts'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { migrate } from '../../src/db/migrate.ts'

const t0 = 1_800_000_000_000

let dir: string
let db: Database

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-test-'))
  db = await openDatabase('file:' + join(dir, 'vigil.db'))
  await migrate(db.client)
})

afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(async () => {
  await db.client.execute('DELETE FROM signature_nonces')
})

async function countRows(): Promise<number> {
  const result = await db.client.execute('SELECT count(*) AS n FROM signature_nonces')
  return Number(result.rows[0]?.n)
}

const stores: [string, () => ReplayStore][] = [
  ['MemoryReplayStore', () => new MemoryReplayStore()],
  ['SqlReplayStore', () => new SqlReplayStore(db.client)],
]

describe('replay', () => {
  it.each(stores)('%s.remember() returns true the first time an id is seen', async (_, make) => {
    expect(await make().remember('a', t0 + 1000, t0)).toBe(true)
  })

  it.each(stores)('%s.remember() returns false for an id seen and still live', async (_, make) => {
    const store = make()
    await store.remember('a', t0 + 1000, t0)
    expect(await store.remember('a', t0 + 2000, t0 + 999)).toBe(false)
  })

  it.each(stores)('%s.remember() keeps different ids apart', async (_, make) => {
    const store = make()
    expect(await store.remember('a', t0 + 1000, t0)).toBe(true)
    expect(await store.remember('b', t0 + 1000, t0)).toBe(true)
    expect(await store.remember('a', t0 + 1000, t0)).toBe(false)
  })

  it.each(stores)('%s.remember() returns true again once the id expired', async (_, make) => {
    const store = make()
    await store.remember('a', t0 + 1000, t0)
    expect(await store.remember('a', t0 + 5000, t0 + 1000)).toBe(true)
    // …and the revived id is remembered until its new expiry.
    expect(await store.remember('a', t0 + 9000, t0 + 4999)).toBe(false)
    expect(await store.remember('a', t0 + 9000, t0 + 5000)).toBe(true)
  })

  it.each(stores)(
    '%s.remember() lets one of many concurrent calls for an id win',
    async (_, make) => {
      const store = make()
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.remember('race', t0 + 1000, t0)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    },
  )

  it('MemoryReplayStore.remember() refuses new ids when full of live ones', async () => {
    const store = new MemoryReplayStore({ maxIds: 3 })
    for (const id of ['a', 'b', 'c']) expect(await store.remember(id, t0 + 1000, t0)).toBe(true)
    expect(await store.remember('d', t0 + 1000, t0)).toBe(false)
    expect(store.size).toBe(3)
    // The live ids are not forgotten to make room.
    expect(await store.remember('a', t0 + 1000, t0)).toBe(false)
  })

  it('MemoryReplayStore.remember() prunes expired ids to make room when full', async () => {
    const store = new MemoryReplayStore({ maxIds: 3 })
    await store.remember('a', t0 + 100, t0)
    await store.remember('b', t0 + 100, t0)
    await store.remember('c', t0 + 1000, t0)
    expect(await store.remember('d', t0 + 1000, t0 + 100)).toBe(true)
    expect(store.size).toBe(2)
    expect(await store.remember('c', t0 + 1000, t0 + 100)).toBe(false)
  })

  it('MemoryReplayStore.remember() prunes expired ids every pruneEvery calls', async () => {
    const store = new MemoryReplayStore({ pruneEvery: 4 })
    for (const id of ['a', 'b', 'c']) await store.remember(id, t0 + 100, t0)
    expect(store.size).toBe(3)
    await store.remember('d', t0 + 1000, t0 + 100)
    expect(store.size).toBe(1)
  })

  it('MemoryReplayStore.prune() drops only expired ids and returns how many', () => {
    const store = new MemoryReplayStore()
    void store.remember('a', t0 + 100, t0)
    void store.remember('b', t0 + 200, t0)
    expect(store.prune(t0 + 100)).toBe(1)
    expect(store.size).toBe(1)
  })

  it('SqlReplayStore.remember() stores the id with its expiry in signature_nonces', async () => {
    await new SqlReplayStore(db.client).remember('a', t0 + 1000, t0)
    const rows = await db.client.execute('SELECT id, expires_at FROM signature_nonces')
    expect(rows.rows.map((r) => [r.id, Number(r.expires_at)])).toEqual([['a', t0 + 1000]])
  })

  it('SqlReplayStore.remember() leaves a live row expiry unchanged on a replay', async () => {
    const store = new SqlReplayStore(db.client)
    await store.remember('a', t0 + 1000, t0)
    await store.remember('a', t0 + 9000, t0 + 10)
    const rows = await db.client.execute('SELECT expires_at FROM signature_nonces')
    expect(Number(rows.rows[0]?.expires_at)).toBe(t0 + 1000)
  })

  it('SqlReplayStore.remember() deletes expired rows every pruneEvery calls', async () => {
    const store = new SqlReplayStore(db.client, { pruneEvery: 4 })
    for (const id of ['a', 'b', 'c']) await store.remember(id, t0 + 100, t0)
    expect(await countRows()).toBe(3)
    await store.remember('d', t0 + 1000, t0 + 100)
    expect(await countRows()).toBe(1)
  })

  it('SqlReplayStore.prune() deletes only expired rows and returns how many', async () => {
    const store = new SqlReplayStore(db.client)
    await store.remember('a', t0 + 100, t0)
    await store.remember('b', t0 + 200, t0)
    expect(await store.prune(t0 + 100)).toBe(1)
    expect(await countRows()).toBe(1)
  })
})
