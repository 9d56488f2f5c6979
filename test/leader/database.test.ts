import { afterEach, describe, expect, it } from 'bun:test'
import { getEventListeners } from 'node:events'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { migrate } from '../../src/db/migrate.ts'
import { createLeadership, type Leadership } from '../../src/leader/index.ts'
import { tempDir } from '../helpers/app.ts'

const leaseMs = 300
let dir: string
let dbs: Database[] = []
let stops: (() => Promise<void>)[] = []

afterEach(async () => {
  await Promise.all(stops.map((s) => s()))
  for (const db of dbs) db.close()
  rmSync(dir, { recursive: true, force: true })
  dbs = []
  stops = []
})

/** file makes a migrated database file and returns its URL. */
async function file(): Promise<string> {
  dir = tempDir()
  const url = `file:${join(dir, 'vigil.db')}`
  const db = await open(url)
  await migrate(db.client)
  return url
}

async function open(url: string): Promise<Database> {
  const db = await openDatabase(url)
  dbs.push(db)
  return db
}

/** candidate opens its own connection to the file and runs a Leadership on it. */
async function candidate(url: string, registry?: Registry) {
  const db = await open(url)
  const leadership = createLeadership({ kind: 'database', client: db.client, leaseMs, registry })
  const changes: boolean[] = []
  leadership.onChange((leader) => changes.push(leader))
  const controller = new AbortController()
  const running = leadership.run(controller.signal)
  const stop = async () => {
    controller.abort()
    await running
  }
  stops.push(stop)
  return { leadership, db, changes, stop, signal: controller.signal }
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<number> {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out')
    await Bun.sleep(10)
  }
  return performance.now() - start
}

const leaders = (ls: Leadership[]) => ls.filter((l) => l.isLeader()).length

describe('database leadership', () => {
  it('run() elects exactly one of two processes on one file', async () => {
    const url = await file()
    const a = await candidate(url)
    const b = await candidate(url)
    await until(() => leaders([a.leadership, b.leadership]) === 1)
    // It stays one over several renewals.
    for (let i = 0; i < 10; i++) {
      expect(leaders([a.leadership, b.leadership])).toBe(1)
      await Bun.sleep(50)
    }
    const row = await a.db.client.execute('SELECT holder, transitions FROM leases')
    const leader = a.leadership.isLeader() ? a.leadership : b.leadership
    expect(row.rows[0]!.holder).toBe(leader.identity)
    expect(await leader.confirm()).toBe(true)
  })

  it('run() hands the lease to the other process at once when the leader stops', async () => {
    const url = await file()
    const a = await candidate(url)
    await until(() => a.leadership.isLeader())
    const b = await candidate(url)
    await Bun.sleep(100)
    expect(b.leadership.isLeader()).toBe(false)
    await a.stop()
    expect(a.changes).toEqual([true, false])
    const row = await b.db.client.execute('SELECT holder FROM leases')
    expect(row.rows[0]?.holder).not.toBe(a.leadership.identity)
    // Released, not expired: the follower's next retry takes it, well within the lease.
    expect(await until(() => b.leadership.isLeader())).toBeLessThan(leaseMs)
  })

  it('confirm() is false and isLeader() turns false once the lease row is taken by another', async () => {
    const url = await file()
    const a = await candidate(url)
    await until(() => a.leadership.isLeader())
    expect(await a.leadership.confirm()).toBe(true)
    // A pause: the lease ran out and another process took it meanwhile.
    await a.db.client.execute(
      "UPDATE leases SET holder = 'someone-else', expires_at = expires_at + 60000",
    )
    expect(await a.leadership.confirm()).toBe(false)
    expect(a.leadership.isLeader()).toBe(false)
    expect(a.changes).toEqual([true, false])
    // The loop's next renewal cannot take it back from a live holder.
    await Bun.sleep(leaseMs)
    expect(a.leadership.isLeader()).toBe(false)
  })

  it('confirm() is false when the lease row has expired', async () => {
    const url = await file()
    const a = await candidate(url)
    await until(() => a.leadership.isLeader())
    await a.db.client.execute('UPDATE leases SET expires_at = 0')
    expect(await a.leadership.confirm()).toBe(false)
    expect(a.leadership.isLeader()).toBe(false)
  })

  it('run() counts transitions in the row and reports vigil_leader on the registry', async () => {
    const url = await file()
    const registry = new Registry()
    const a = await candidate(url, registry)
    await until(() => a.leadership.isLeader())
    expect(await registry.getSingleMetricAsString('vigil_leader')).toContain('vigil_leader 1')
    await a.stop()
    const b = await candidate(url)
    await until(() => b.leadership.isLeader())
    const metrics = await registry.metrics()
    expect(metrics).toContain('vigil_leader 0')
    expect(metrics).toContain('vigil_leader_transitions_total 2')
    const row = await b.db.client.execute('SELECT transitions FROM leases')
    expect(Number(row.rows[0]!.transitions)).toBe(1)
  })

  it('run() keeps at most one abort listener and leaves none after it stops', async () => {
    const url = await file()
    const a = await candidate(url)
    const b = await candidate(url)
    for (let i = 0; i < 10; i++) {
      expect(getEventListeners(a.signal, 'abort').length).toBeLessThanOrEqual(1)
      expect(getEventListeners(b.signal, 'abort').length).toBeLessThanOrEqual(1)
      await Bun.sleep(40)
    }
    await a.stop()
    await b.stop()
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0)
    expect(getEventListeners(b.signal, 'abort')).toHaveLength(0)
  })
})
