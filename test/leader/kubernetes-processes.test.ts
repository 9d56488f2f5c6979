import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'
import { intervals, leaderOf, spawnLeader, type LeaderChild } from '../helpers/leader.ts'

// Lease durations are whole seconds in a Lease; two leave room for bun start-ups on busy cores.
const leaseMs = 2000
const renewMs = leaseMs / 3

let fc: FakeCluster
let kubeconfig: string
const children: LeaderChild[] = []
beforeAll(async () => {
  fc = await startFakeCluster()
  kubeconfig = fc.kubeconfig('kubeconfig')
})
afterAll(async () => {
  for (const c of children) c.proc.kill(9)
  await fc.close()
})

describe('kubernetes leadership across processes', () => {
  it('two processes on one Lease never lead at once, and a kill -9 hands over after the lease', async () => {
    const target = `kube:${kubeconfig}`
    let live = [spawnLeader(target, leaseMs, children), spawnLeader(target, leaseMs, children)]
    const takeovers: number[] = []
    for (let round = 0; round < 2; round++) {
      const leader = await leaderOf(live, 20_000)
      const follower = live.find((c) => c !== leader)!
      // The follower must be up and watching the Lease before the leader goes.
      while (!follower.lines.some((l) => l.kind === 'ready')) await Bun.sleep(10)
      await Bun.sleep(leaseMs)
      const goneAt = Date.now()
      leader.killedAt = goneAt
      leader.proc.kill(9)
      await leader.proc.exited
      const next = await leaderOf([follower], 20_000)
      takeovers.push(next.lines.findLast((l) => l.kind === 'lead')!.at - goneAt)
      live = [follower, spawnLeader(target, leaseMs, children)]
    }
    // The newcomer of the last round must not have taken the lease from a live leader.
    await Bun.sleep(leaseMs * 1.5)
    expect(live.filter((c) => c.lines.some((l) => l.kind === 'lead')).length).toBe(1)

    const spans = intervals(children)
    expect(spans.length).toBe(3)
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.child).not.toBe(spans[i - 1]!.child)
      expect(spans[i]!.from).toBeGreaterThanOrEqual(spans[i - 1]!.to)
    }
    // A candidate takes over only once it has seen the Lease unchanged for a whole lease
    // duration, and the dead leader renewed it at most renewMs before the kill.
    for (const ms of takeovers) {
      expect(ms).toBeGreaterThanOrEqual(leaseMs - renewMs - 100)
      expect(ms).toBeLessThan(leaseMs * 3)
    }
    console.log(`kubernetes takeovers after kill -9: ${takeovers.join(', ')} ms`)
  }, 90_000)
})
