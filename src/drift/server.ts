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

/** driftScanner wires a DriftScanner; `connect` defaults to the configured cluster. */
export function driftScanner(
  config: Config,
  db: Database,
  now: () => number,
  logger: Logger,
  bus: Bus,
  registry: Registry,
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
    },
    now,
    logger,
    bus,
    registerDriftMetrics(registry),
  )
}
