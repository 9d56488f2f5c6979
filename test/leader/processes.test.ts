import { afterEach, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/client.ts'
import { migrate } from '../../src/db/migrate.ts'
import { tempDir } from '../helpers/app.ts'
import { intervals, leaderOf, spawnLeader, type LeaderChild } from '../helpers/leader.ts'

// Long enough that a bun start-up on two busy cores does not lose a lease by mere slowness.
const leaseMs = 900
const renewMs = leaseMs / 3

let dir: string | undefined
let children: LeaderChild[] = []
afterEach(() => {
  for (const c of children) c.proc.kill(9)
  children = []
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('database leadership across processes', () => {
  it('two processes on one file never lead at once across kill -9 and SIGTERM handovers', async () => {
    dir = tempDir()
    const url = `file:${join(dir, 'vigil.db')}`
    const db = await openDatabase(url)
    await migrate(db.client)
    db.close()

    let live = [spawnLeader(url, leaseMs, children), spawnLeader(url, leaseMs, children)]
    const takeovers: { how: string; ms: number }[] = []
    for (const how of ['kill', 'term', 'kill', 'kill']) {
      const leader = await leaderOf(live)
      const follower = live.find((c) => c !== leader)!
      // The follower must be up and trying before the leader goes.
      while (!follower.lines.some((l) => l.kind === 'ready')) await Bun.sleep(10)
      await Bun.sleep(renewMs)
      const goneAt = Date.now()
      if (how === 'kill') {
        leader.killedAt = goneAt
        leader.proc.kill(9)
      } else leader.proc.kill('SIGTERM')
      await leader.proc.exited
      const next = await leaderOf([follower])
      const ledAt = next.lines.findLast((l) => l.kind === 'lead')!.at
      takeovers.push({ how, ms: ledAt - goneAt })
      live = [follower, spawnLeader(url, leaseMs, children)]
    }

    const spans = intervals(children)
    expect(spans.length).toBeGreaterThanOrEqual(5)
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.child).not.toBe(spans[i - 1]!.child)
      expect(spans[i]!.from).toBeGreaterThanOrEqual(spans[i - 1]!.to)
    }
    for (const t of takeovers) {
      // kill -9 leaves the lease to expire (renewed at most renewMs before the kill); a SIGTERM
      // releases it, so the follower's next retry takes it.
      if (t.how === 'kill') expect(t.ms).toBeGreaterThanOrEqual(leaseMs - renewMs - 100)
      else expect(t.ms).toBeLessThan(leaseMs - renewMs)
    }
  }, 60_000)
})
