/**
 * The Kubernetes lease: a coordination.k8s.io/v1 Lease, held the way client-go's leaderelection
 * holds one. Missing, it is created; held by another, it is taken over only once it has expired
 * both by its `renewTime + leaseDurationSeconds` and by what this process has watched (the record
 * unchanged for a whole lease duration on our own clock, so a skewed clock cannot steal it); every
 * write carries the resourceVersion read, so of two candidates the second gets 409 Conflict and
 * stays a follower. Release clears `holderIdentity` and shortens the lease to one second.
 */
import { KubeApiError } from '../k8s/errors.ts'
import type { Cluster, KubeObject, ResourceRef } from '../k8s/types.ts'
import type { LeaseStore } from './elector.ts'

/** LeaseSpec is the part of a Lease's spec leader election reads and writes. */
export interface LeaseSpec {
  holderIdentity?: string
  leaseDurationSeconds?: number
  acquireTime?: string
  renewTime?: string
  leaseTransitions?: number
}

/** KubernetesLeaseOptions name the Lease and say how long it lasts. */
export interface KubernetesLeaseOptions {
  cluster: Pick<Cluster, 'get' | 'create' | 'patch'>
  identity: string
  namespace: string
  name: string
  leaseMs: number
  /** wallClock is the time written into the Lease (Unix ms; Date.now by default). */
  wallClock?: () => number
  /** now is the local monotonic clock for what this process observed. */
  now?: () => number
}

/** microTime formats Unix milliseconds as a Kubernetes MicroTime (`...T10:00:00.123000Z`). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z')
}

/** parseMicroTime reads a MicroTime (or an RFC 3339 time) as Unix ms; NaN when unreadable. */
export function parseMicroTime(text: string | undefined): number {
  if (!text) return NaN
  // Date.parse does not promise to read more than three fraction digits.
  return Date.parse(text.replace(/(\.\d{3})\d+/, '$1'))
}

/** kubernetesLease returns the LeaseStore of one Lease object. */
export function kubernetesLease(options: KubernetesLeaseOptions): LeaseStore {
  const { cluster, identity, namespace, name } = options
  const wallClock = options.wallClock ?? Date.now
  const now = options.now ?? (() => performance.now())
  // Whole seconds, never shorter than asked (the renew deadline must fall inside the lease).
  const seconds = Math.max(1, Math.ceil(options.leaseMs / 1000))
  const ref: ResourceRef = {
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    namespace,
  }
  let observed: { version: string; at: number } | undefined

  const expired = (lease: KubeObject, spec: LeaseSpec): boolean => {
    if (!spec.holderIdentity) return true
    const duration = (spec.leaseDurationSeconds ?? seconds) * 1000
    const renewed = parseMicroTime(spec.renewTime ?? spec.acquireTime)
    if (Number.isFinite(renewed) && renewed + duration >= wallClock()) return false
    const version = lease.metadata.resourceVersion ?? ''
    if (observed?.version !== version) observed = { version, at: now() }
    return now() - observed.at > duration
  }

  return {
    describe: `Lease ${namespace}/${name}`,
    async acquire() {
      const live = await cluster.get(ref, name)
      const t = microTime(wallClock())
      if (!live) {
        const lease: KubeObject = {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: seconds,
            acquireTime: t,
            renewTime: t,
            leaseTransitions: 0,
          } satisfies LeaseSpec,
        }
        return wins(() => cluster.create(lease))
      }
      const spec = (live.spec ?? {}) as LeaseSpec
      const mine = spec.holderIdentity === identity
      if (!mine && !expired(live, spec)) return false
      const next: LeaseSpec = {
        holderIdentity: identity,
        leaseDurationSeconds: seconds,
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : t,
        renewTime: t,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      }
      const patch = { metadata: { resourceVersion: live.metadata.resourceVersion }, spec: next }
      return wins(() => cluster.patch(ref, name, patch, { type: 'merge' }))
    },
    async check() {
      const live = await cluster.get(ref, name)
      if (!live) return false
      const spec = (live.spec ?? {}) as LeaseSpec
      const duration = (spec.leaseDurationSeconds ?? seconds) * 1000
      return (
        spec.holderIdentity === identity && parseMicroTime(spec.renewTime) + duration > wallClock()
      )
    },
    async release() {
      const live = await cluster.get(ref, name)
      const spec = (live?.spec ?? {}) as LeaseSpec
      if (!live || spec.holderIdentity !== identity) return
      const t = microTime(wallClock())
      const patch = {
        metadata: { resourceVersion: live.metadata.resourceVersion },
        spec: { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: t, renewTime: t },
      }
      await wins(() => cluster.patch(ref, name, patch, { type: 'merge' }))
    },
  }
}

const losing = new Set(['Conflict', 'AlreadyExists', 'NotFound'])

/** wins runs a write and says whether it won the race: a 409 (or a 404) is a lost race. */
async function wins(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write()
    return true
  } catch (err) {
    if (err instanceof KubeApiError && losing.has(err.reason)) return false
    throw err
  }
}
