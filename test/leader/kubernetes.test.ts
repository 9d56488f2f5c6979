import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import { getEventListeners } from 'node:events'
import { connectCluster, type Cluster } from '../../src/k8s/index.ts'
import { createLeadership, type Leadership } from '../../src/leader/index.ts'
import { kubernetesLease, microTime, parseMicroTime } from '../../src/leader/kubernetes.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

// Lease durations are whole seconds in a Lease: one second is the shortest.
const leaseMs = 1000
const microTimeShape = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/
const leases = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' }

let fc: FakeCluster
let k8s: Cluster
let n = 0
let name: string
let stops: (() => Promise<void>)[] = []

beforeAll(async () => {
  fc = await startFakeCluster()
  k8s = await connectCluster(fc.settings('kubeconfig'))
})
afterAll(async () => {
  k8s.close()
  await fc.close()
})
afterEach(async () => {
  await Promise.all(stops.map((s) => s()))
  stops = []
})

const read = () => fc.api.read('coordination.k8s.io/v1', 'Lease', 'default', name)
const spec = () => read()!.spec as Record<string, unknown>

function seed(holder: string, renewedMsAgo: number, seconds: number) {
  fc.api.seed({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'default' },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: seconds,
      acquireTime: microTime(Date.now() - renewedMsAgo),
      renewTime: microTime(Date.now() - renewedMsAgo),
      leaseTransitions: 3,
    },
  })
}

function candidate(identity: string) {
  const leadership = createLeadership({ kind: 'kubernetes', cluster: k8s, name, leaseMs, identity })
  const controller = new AbortController()
  const running = leadership.run(controller.signal)
  const stop = async () => {
    controller.abort()
    await running
  }
  stops.push(stop)
  return { leadership, stop, signal: controller.signal }
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<number> {
  const start = performance.now()
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out')
    await Bun.sleep(10)
  }
  return performance.now() - start
}

const leaders = (ls: Leadership[]) => ls.filter((l) => l.isLeader()).length

describe('kubernetes leadership', () => {
  // Each test has its own Lease.
  const fresh = () => (name = `vigil-leader-${++n}`)

  it('run() creates the Lease when missing, holding it with MicroTime stamps', async () => {
    fresh()
    const a = candidate('a')
    await until(() => a.leadership.isLeader())
    expect(spec()).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 1,
      leaseTransitions: 0,
    })
    expect(spec().acquireTime).toMatch(microTimeShape)
    expect(spec().renewTime).toMatch(microTimeShape)
    expect(await a.leadership.confirm()).toBe(true)
  })

  it('run() renews the Lease: renewTime and resourceVersion move, acquireTime stays', async () => {
    fresh()
    const a = candidate('a')
    await until(() => a.leadership.isLeader())
    const first = structuredClone(read()!)
    await Bun.sleep(leaseMs)
    const now = read()!
    expect(now.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion)
    const [before, after] = [
      first.spec as Record<string, string>,
      now.spec as Record<string, string>,
    ]
    expect(after.acquireTime).toBe(before.acquireTime!)
    expect(parseMicroTime(after.renewTime)).toBeGreaterThan(parseMicroTime(before.renewTime))
    expect(a.leadership.isLeader()).toBe(true)
  })

  it('run() leaves a Lease another holds and renews, and elects one of two candidates', async () => {
    fresh()
    seed('someone', 0, 30)
    const a = candidate('a')
    await Bun.sleep(500)
    expect(a.leadership.isLeader()).toBe(false)
    expect(spec().holderIdentity).toBe('someone')

    fresh()
    const [b, c] = [candidate('b'), candidate('c')]
    await until(() => leaders([b.leadership, c.leadership]) === 1)
    for (let i = 0; i < 10; i++) {
      expect(leaders([b.leadership, c.leadership])).toBe(1)
      await Bun.sleep(50)
    }
  })

  it('run() takes over an expired Lease only after watching it unchanged for its duration', async () => {
    fresh()
    seed('crashed', 60_000, 1)
    const a = candidate('a')
    const waited = await until(() => a.leadership.isLeader())
    // A clock ahead of the crashed holder's must not steal it at first sight.
    expect(waited).toBeGreaterThanOrEqual(leaseMs)
    expect(spec()).toMatchObject({ holderIdentity: 'a', leaseTransitions: 4 })
  })

  it('acquire() with a stale resourceVersion gets 409 Conflict and is not leader', async () => {
    fresh()
    seed('crashed', 60_000, 1)
    const stale = (await k8s.get({ ...leases, namespace: 'default' }, name))!
    // Another candidate wrote the Lease after we read it.
    fc.api.mutate('coordination.k8s.io/v1', 'Lease', 'default', name, (o) => {
      ;(o.spec as Record<string, unknown>).holderIdentity = 'winner'
    })
    const store = kubernetesLease({
      cluster: {
        get: async () => stale,
        create: (o, options) => k8s.create(o, options),
        patch: (ref, name, patch, options) => k8s.patch(ref, name, patch, options),
      },
      identity: 'a',
      namespace: 'default',
      name,
      leaseMs,
      // Our clock says the lease is long gone, and we have watched it for a while.
      now: (() => {
        let t = 0
        return () => (t += 10_000)
      })(),
    })
    expect(await store.acquire()).toBe(false)
    const patches = fc.api.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(name))
    expect(patches.map((r) => r.status)).toEqual([409])
    expect(spec().holderIdentity).toBe('winner')
  })

  it('run() releases the Lease on stop, so a waiting candidate takes it at once', async () => {
    fresh()
    const a = candidate('a')
    await until(() => a.leadership.isLeader())
    const b = candidate('b')
    await Bun.sleep(200)
    expect(b.leadership.isLeader()).toBe(false)
    await a.stop()
    expect(a.leadership.isLeader()).toBe(false)
    expect(await until(() => b.leadership.isLeader())).toBeLessThan(leaseMs)
    expect(spec()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 })
  })

  it('run() clears holderIdentity on stop', async () => {
    fresh()
    const a = candidate('a')
    await until(() => a.leadership.isLeader())
    await a.stop()
    expect(spec()).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 })
  })

  it('confirm() is false and isLeader() turns false once another holds the Lease', async () => {
    fresh()
    const a = candidate('a')
    const changes: boolean[] = []
    a.leadership.onChange((leader) => changes.push(leader))
    await until(() => a.leadership.isLeader())
    fc.api.mutate('coordination.k8s.io/v1', 'Lease', 'default', name, (o) => {
      Object.assign(o.spec as object, {
        holderIdentity: 'thief',
        leaseDurationSeconds: 30,
        renewTime: microTime(Date.now()),
      })
    })
    expect(await a.leadership.confirm()).toBe(false)
    expect(a.leadership.isLeader()).toBe(false)
    expect(changes).toEqual([true, false])
    await Bun.sleep(500)
    expect(a.leadership.isLeader()).toBe(false)
    expect(spec().holderIdentity).toBe('thief')
  })

  it('run() keeps at most one abort listener and leaves none after it stops', async () => {
    fresh()
    const a = candidate('a')
    for (let i = 0; i < 10; i++) {
      expect(getEventListeners(a.signal, 'abort').length).toBeLessThanOrEqual(1)
      await Bun.sleep(50)
    }
    await a.stop()
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(0)
  })
})
