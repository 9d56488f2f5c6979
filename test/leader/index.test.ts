import { describe, expect, it } from 'bun:test'
import { getEventListeners } from 'node:events'
import { ConfigError, loadConfig } from '../../src/config.ts'
import type { Client } from '@libsql/client'
import { alwaysLeader, leaderKind, leadershipFor, newIdentity } from '../../src/leader/index.ts'

describe('leader', () => {
  it.each([
    ['auto', 'kubernetes.default.svc', 'kubernetes'],
    ['auto', undefined, 'database'],
    ['database', 'kubernetes.default.svc', 'database'],
    ['kubernetes', undefined, 'kubernetes'],
    ['off', 'kubernetes.default.svc', 'none'],
  ] as const)('leaderKind(%p) with KUBERNETES_SERVICE_HOST=%p is %p', (election, host, kind) => {
    expect(leaderKind(election, { KUBERNETES_SERVICE_HOST: host })).toBe(kind)
  })

  it('loadConfig() gives config.leader its defaults and reads VIGIL_LEADER_*', () => {
    expect(loadConfig({}, {}).leader).toEqual({
      election: 'auto',
      leaseMs: 15_000,
      namespace: undefined,
      leaseName: 'vigil-leader',
    })
    const env = {
      VIGIL_LEADER_ELECTION: 'kubernetes',
      VIGIL_LEADER_LEASE: '30s',
      VIGIL_LEADER_NAMESPACE: 'ops',
      VIGIL_LEADER_LEASE_NAME: 'vigil-eu',
    }
    expect(loadConfig({}, env).leader).toEqual({
      election: 'kubernetes',
      leaseMs: 30_000,
      namespace: 'ops',
      leaseName: 'vigil-eu',
    })
  })

  it('loadConfig() refuses an unknown election mode and a lease name that is no DNS name', () => {
    const env = { VIGIL_LEADER_ELECTION: 'raft', VIGIL_LEADER_LEASE_NAME: 'Vigil Leader' }
    const err = (() => {
      try {
        loadConfig({}, env)
      } catch (e) {
        return e as ConfigError
      }
    })()
    expect(err?.problems.map((p) => p.split(' ')[0])).toEqual([
      'VIGIL_LEADER_ELECTION',
      'VIGIL_LEADER_LEASE_NAME',
    ])
  })

  it('newIdentity() is hostname-pid-random and differs per call', () => {
    const id = newIdentity()
    expect(id).toContain(`-${process.pid}-`)
    expect(newIdentity()).not.toBe(id)
  })

  it('alwaysLeader() leads, confirms and returns from run() when the signal aborts', async () => {
    const leadership = alwaysLeader()
    expect(leadership.isLeader()).toBe(true)
    expect(await leadership.confirm()).toBe(true)
    const stop = new AbortController()
    const running = leadership.run(stop.signal)
    stop.abort()
    await running
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0)
  })

  it('leadershipFor() always leads when off, and needs a cluster for the Lease', () => {
    const leader = { ...loadConfig({}, {}).leader }
    const client = {} as Client
    const inCluster = { KUBERNETES_SERVICE_HOST: '10.0.0.1' }
    expect(leadershipFor({ ...leader, election: 'off' }, inCluster, { client }).isLeader()).toBe(
      true,
    )
    expect(() => leadershipFor(leader, inCluster, { client })).toThrow(/needs a cluster/)
  })
})
