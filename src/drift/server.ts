/** driftScanner builds the server's drift scanner from the config: the cluster, the git checkout, the metrics. */
import { join } from 'node:path'
import type { Registry } from 'prom-client'
import type { Bus } from '../bus.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/client.ts'
import type { ClusterReader } from '../k8s/types.ts'
import { connectCluster } from '../k8s/index.ts'
import type { Logger } from '../obs/logger.ts'
import { registerDriftMetrics } from './metrics.ts'
import { DriftScanner } from './scanner.ts'
import { defaultCompliancePolicy } from './compliance/schema.ts'
import type { PolicyService } from '../policy/service.ts'

/** driftScanner wires a DriftScanner over the policy store's compliance policies; `connect` defaults to the configured cluster. */
export function driftScanner(
  config: Config,
  db: Database,
  now: () => number,
  logger: Logger,
  bus: Bus,
  registry: Registry,
  policies: PolicyService,
  connect: () => Promise<ClusterReader> = () => connectCluster(config.kube),
): DriftScanner {
  const { paths, git, intervalMs, settings } = config.drift
  return new DriftScanner(
    db.client,
    connect,
    {
      paths,
      git: git && { ...git, dir: join(config.dataDir, 'drift-git') },
      intervalMs,
      settings,
      // The built-in rules always run; CompliancePolicy policies add their own.
      compliance: async () => [
        defaultCompliancePolicy,
        ...(await policies.enabled('CompliancePolicy')),
      ],
      reportCompliance: (name, violations, at, ms) => {
        if (name === defaultCompliancePolicy.metadata.name) return
        policies.status.report('CompliancePolicy', name, {
          status: violations > 0 ? 'violated' : 'ok',
          lastEvalAt: at,
          durationMs: ms,
          violations,
        })
      },
    },
    now,
    logger,
    bus,
    registerDriftMetrics(registry),
  )
}
