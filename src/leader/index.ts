/**
 * Leader election for the singleton loops (the remediation executor first; drift scans and rule
 * evaluation next): of the processes sharing one state, one leads, renews its lease and re-checks
 * it right before each mutation (`confirm`). Two backends sit behind one `Leadership`:
 *
 * - `database`: a row of the `leases` table, for every process that shares a database (one
 *   process on an embedded file is simply always elected). The default outside a cluster.
 * - `kubernetes`: a coordination.k8s.io/v1 Lease, with client-go's semantics. The default in a
 *   cluster (`KUBERNETES_SERVICE_HOST` set and VIGIL_LEADER_ELECTION `auto`), or when asked for.
 *
 * `none` (VIGIL_LEADER_ELECTION=off) always leads: for one process whose operator wants no lease.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Client } from '@libsql/client'
import type { Registry } from 'prom-client'
import type { Config } from '../config.ts'
import type { Cluster } from '../k8s/types.ts'
import type { Logger } from '../obs/logger.ts'
import { databaseLease } from './database.ts'
import { Elector, timingFor, type Timing } from './elector.ts'
import { kubernetesLease } from './kubernetes.ts'
import { registerLeaderMetrics } from './metrics.ts'
import type { Leadership } from './types.ts'

export type { Leadership } from './types.ts'
export { timingFor, type Timing } from './elector.ts'

/** LeaderElection is the VIGIL_LEADER_ELECTION setting. */
export type LeaderElection = 'auto' | 'database' | 'kubernetes' | 'off'

/** LeaderKind is the backend in use once `auto` is decided. */
export type LeaderKind = 'database' | 'kubernetes' | 'none'

/** defaultLeaseName is the name of the lease row or Lease object. */
export const defaultLeaseName = 'vigil-leader'

/** leaderKind decides `auto`: the Lease in a cluster, else the database row. */
export function leaderKind(
  election: LeaderElection,
  env: { KUBERNETES_SERVICE_HOST: string | undefined },
): LeaderKind {
  if (election === 'off') return 'none'
  if (election === 'auto') return env.KUBERNETES_SERVICE_HOST ? 'kubernetes' : 'database'
  return election
}

/** newIdentity names this process: `hostname-pid-random`. */
export function newIdentity(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
}

interface CommonOptions {
  /** name of the lease (default `vigil-leader`). */
  name?: string
  /** leaseMs is how long a lease lasts (default 15 s); renew and retry periods follow from it. */
  leaseMs?: number
  timing?: Partial<Timing>
  identity?: string
  registry?: Registry
  logger?: Logger
}

/** LeadershipOptions choose a backend and what it needs. */
export type LeadershipOptions = CommonOptions &
  (
    | { kind: 'database'; client: Client }
    | {
        kind: 'kubernetes'
        cluster: Pick<Cluster, 'get' | 'create' | 'patch' | 'namespace'>
        namespace?: string
      }
    | { kind: 'none' }
  )

/** createLeadership builds the Leadership of the chosen backend. */
export function createLeadership(options: LeadershipOptions): Leadership {
  const identity = options.identity ?? newIdentity()
  const leaseMs = options.leaseMs ?? 15_000
  const name = options.name ?? defaultLeaseName
  const metrics = options.registry && registerLeaderMetrics(options.registry)
  if (options.kind === 'none') {
    metrics?.set(true)
    return alwaysLeader(identity)
  }
  const store =
    options.kind === 'database'
      ? databaseLease({ client: options.client, identity, name, leaseMs })
      : kubernetesLease({
          cluster: options.cluster,
          identity,
          name,
          leaseMs,
          namespace: options.namespace ?? (options.cluster.namespace || 'default'),
        })
  return new Elector(store, {
    identity,
    timing: timingFor(leaseMs, options.timing),
    logger: options.logger?.child({ component: 'leader' }),
    metrics,
  })
}

/** alwaysLeader is the Leadership of a process that elects no one: it always leads. */
export function alwaysLeader(identity = newIdentity()): Leadership {
  return {
    identity,
    isLeader: () => true,
    confirm: async () => true,
    run: (signal) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve()
        signal.addEventListener('abort', () => resolve(), { once: true })
      }),
    onChange: () => () => {},
  }
}

/** LeaderDeps are what `leadershipFor` needs to build either backend. */
export interface LeaderDeps {
  client: Client
  /** cluster is needed for the `kubernetes` backend only. */
  cluster?: Pick<Cluster, 'get' | 'create' | 'patch' | 'namespace'>
  registry?: Registry
  logger?: Logger
}

/** leadershipFor builds the Leadership that `config.leader` asks for (the server's entry point). */
export function leadershipFor(
  leader: Config['leader'],
  env: { KUBERNETES_SERVICE_HOST: string | undefined },
  deps: LeaderDeps,
): Leadership {
  const kind = leaderKind(leader.election, env)
  const common = {
    name: leader.leaseName,
    leaseMs: leader.leaseMs,
    registry: deps.registry,
    logger: deps.logger,
  }
  if (kind === 'none') return createLeadership({ kind, ...common })
  if (kind === 'database') return createLeadership({ kind, client: deps.client, ...common })
  if (!deps.cluster)
    throw new Error(
      'VIGIL_LEADER_ELECTION=kubernetes needs a cluster connection (VIGIL_KUBECONFIG)',
    )
  return createLeadership({ kind, cluster: deps.cluster, namespace: leader.namespace, ...common })
}
