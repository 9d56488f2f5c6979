/**
 * The Kubernetes adapter: the only place that talks to a cluster and the only importer of
 * @kubernetes/client-node. It loads credentials (kubeconfig or in-cluster service account), sends
 * every request through a fetch that honours the cluster CA and client certificates under Bun, and
 * offers two narrow interfaces, `ClusterReader` (discovery, list, get, shared watch caches that
 * relist on 410 Gone) and `ClusterWriter` (create, patch, server-side apply, delete, evict, all
 * with server-side dry run). Objects are plain JSON. The client library costs about a second to
 * load, so `connectCluster` imports it on first use: commands that never touch a cluster stay fast.
 */
import type { KubeSettings } from '../config.ts'
import type { Cluster } from './types.ts'
import type { ConnectOptions } from './connect.ts'

export type * from './types.ts'
export { KubeApiError, KubeConfigError, type KubeReason } from './errors.ts'
export { apiVersionOf, splitApiVersion } from './paths.ts'
export type { ConnectOptions } from './connect.ts'

/** connectCluster loads the credentials named by the settings and returns a Cluster. */
export async function connectCluster(
  settings: KubeSettings,
  extra: Omit<ConnectOptions, keyof KubeSettings> = {},
): Promise<Cluster> {
  const { connect } = await import('./connect.ts')
  return connect({ ...settings, ...extra })
}

/** checkCluster lists the namespaces through the client's typed CoreV1Api (a connectivity check). */
export async function checkCluster(settings: KubeSettings): Promise<{
  server: string
  context: string
  source: string
  namespaces: string[]
}> {
  const { checkConnection } = await import('./check.ts')
  return checkConnection(settings)
}
