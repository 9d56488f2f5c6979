/**
 * remediationFor wires the server's remediation from the config: the action registry, the
 * AccessPolicies of the policy store, the incidents (evidence, timeline notes), the shared
 * cluster connection and the leadership; and makes RemediationPolicies act on incidents.
 */
import type { Registry } from 'prom-client'
import type { AuditStore } from '../audit/store.ts'
import type { Bus } from '../bus.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/client.ts'
import type { IncidentService } from '../incidents/service.ts'
import type { Cluster } from '../k8s/types.ts'
import type { Logger } from '../obs/logger.ts'
import type { PolicyService } from '../policy/service.ts'
import { actions, isTransient } from './actions/index.ts'
import type { Leader } from './executor.ts'
import { accessOf, createRemediation, proposeOnIncidents, type Remediation } from './index.ts'

/** ServerDeps are the server's services remediation builds on. */
export interface ServerDeps {
  db: Database
  audit: AuditStore
  bus: Bus
  policies: PolicyService
  incidents: IncidentService
  registry: Registry
  logger: Logger
  now: () => number
  cluster: () => Promise<Cluster>
  leader: Leader
  identity: string
}

/** remediationFor builds the server's Remediation and subscribes it to incidents. */
export function remediationFor(config: Config, deps: ServerDeps): Remediation {
  const remediation = createRemediation({
    client: deps.db.client,
    settings: config.remediation,
    actions,
    isTransient,
    cluster: deps.cluster,
    leader: deps.leader,
    access: accessOf(deps.policies, deps.now),
    incident: (id) => deps.incidents.get(id).catch(() => undefined),
    note: (id, actor, text) => deps.incidents.addNote(id, actor, text),
    audit: deps.audit,
    bus: deps.bus,
    registry: deps.registry,
    identity: deps.identity,
    now: deps.now,
    logger: deps.logger,
  })
  proposeOnIncidents(deps.bus, deps.policies, remediation, deps.audit, deps.logger, deps.now)
  return remediation
}
