import { describe, expect, it } from 'bun:test'
import { Elector, timingFor, type LeaseStore } from '../../src/leader/elector.ts'

/** fakeStore answers acquire() with what `next` says: held, taken by another, or an error. */
function fakeStore() {
  const state = { next: 'held' as 'held' | 'other' | 'error', acquires: 0, releases: 0 }
  const store: LeaseStore = {
    describe: 'fake lease',
    async acquire() {
      state.acquires++
      if (state.next === 'error') throw new Error('store unreachable')
      return state.next === 'held'
    },
    async check() {
      if (state.next === 'error') throw new Error('store unreachable')
      return state.next === 'held'
    },
    async release() {
      state.releases++
    },
  }
  return { store, state }
}

const timing = timingFor(300)

describe('Elector', () => {
  it('timingFor() renews every third of the lease and gives up after two thirds', () => {
    expect(timingFor(15_000)).toEqual({
      leaseMs: 15_000,
      renewMs: 5_000,
      renewDeadlineMs: 10_000,
      retryMs: 2_000,
    })
  })

  it('isLeader() turns false by the renew deadline when the store stops answering', async () => {
    const { store, state } = fakeStore()
    const elector = new Elector(store, { identity: 'me', timing })
    const changes: boolean[] = []
    elector.onChange((leader) => changes.push(leader))
    const stop = new AbortController()
    const running = elector.run(stop.signal)
    await Bun.sleep(20)
    expect(elector.isLeader()).toBe(true)
    state.next = 'error'
    const lostAt = performance.now()
    while (elector.isLeader()) await Bun.sleep(5)
    // Before the lease itself runs out for the others.
    expect(performance.now() - lostAt).toBeLessThan(timing.leaseMs)
    expect(await elector.confirm()).toBe(false)
    await Bun.sleep(timing.renewMs)
    expect(changes).toEqual([true, false])
    stop.abort()
    await running
    // It took the lease once, so it releases it (the store checks it is still ours).
    expect(state.releases).toBe(1)
  })

  it('isLeader() is false after a pause longer than the renew deadline, before any renewal', async () => {
    const { store } = fakeStore()
    let t = 0
    const elector = new Elector(store, { identity: 'me', timing, now: () => t })
    const stop = new AbortController()
    const running = elector.run(stop.signal)
    await Bun.sleep(20)
    expect(elector.isLeader()).toBe(true)
    t += timing.renewDeadlineMs // the process was frozen this long
    expect(elector.isLeader()).toBe(false)
    expect(await elector.confirm()).toBe(false)
    stop.abort()
    await running
  })

  it('confirm() is false on a store error but does not give leadership up', async () => {
    const { store, state } = fakeStore()
    const elector = new Elector(store, { identity: 'me', timing })
    const stop = new AbortController()
    const running = elector.run(stop.signal)
    await Bun.sleep(20)
    state.next = 'error'
    expect(await elector.confirm()).toBe(false)
    expect(elector.isLeader()).toBe(true)
    state.next = 'held'
    expect(await elector.confirm()).toBe(true)
    stop.abort()
    await running
  })

  it('run() retries while another holds the lease, despite a throwing listener', async () => {
    const { store, state } = fakeStore()
    state.next = 'other'
    const elector = new Elector(store, { identity: 'me', timing })
    elector.onChange(() => {
      throw new Error('listener bug')
    })
    const stop = new AbortController()
    const running = elector.run(stop.signal)
    await Bun.sleep(100)
    expect(elector.isLeader()).toBe(false)
    expect(state.acquires).toBeGreaterThan(1)
    state.next = 'held'
    await Bun.sleep(100)
    expect(elector.isLeader()).toBe(true)
    stop.abort()
    await running
    expect(state.releases).toBe(1)
  })

  it('run() does not release a lease it never took', async () => {
    const { store, state } = fakeStore()
    state.next = 'other'
    const elector = new Elector(store, { identity: 'me', timing })
    const stop = new AbortController()
    const running = elector.run(stop.signal)
    await Bun.sleep(50)
    stop.abort()
    await running
    expect(state.releases).toBe(0)
  })
})
