/**
 * The Kubernetes permissions each remediation action uses, as data: k8s/base's ClusterRole
 * `vigil-remediation` and k8s/components/node-remediation grant exactly their union (a test holds
 * them to it), so an action added without its RBAC fails that test rather than a task in a cluster.
 * apply_manifest and delete_unexpected act on any kind a manifest names; the shipped roles grant
 * them the kinds drift manages by default (`driftKinds`), and the README says how to widen that.
 */
import type { ActionName } from '../types.ts'

/** RbacRule is one apiGroup/resource pair and the verbs used on it. */
export interface RbacRule {
  apiGroup: string
  resource: string
  verbs: readonly string[]
}

/** driftKinds are the collections the shipped RBAC lets drift read (and, but Pods and ReplicaSets, apply_manifest manage). */
export const driftKinds: readonly { apiGroup: string; resource: string }[] = [
  { apiGroup: '', resource: 'namespaces' },
  { apiGroup: '', resource: 'configmaps' },
  { apiGroup: '', resource: 'services' },
  { apiGroup: '', resource: 'serviceaccounts' },
  { apiGroup: '', resource: 'persistentvolumeclaims' },
  { apiGroup: '', resource: 'pods' },
  { apiGroup: 'apps', resource: 'deployments' },
  { apiGroup: 'apps', resource: 'statefulsets' },
  { apiGroup: 'apps', resource: 'daemonsets' },
  { apiGroup: 'apps', resource: 'replicasets' },
  { apiGroup: 'batch', resource: 'jobs' },
  { apiGroup: 'batch', resource: 'cronjobs' },
  { apiGroup: 'networking.k8s.io', resource: 'ingresses' },
  { apiGroup: 'networking.k8s.io', resource: 'networkpolicies' },
  { apiGroup: 'policy', resource: 'poddisruptionbudgets' },
  { apiGroup: 'autoscaling', resource: 'horizontalpodautoscalers' },
]

// Pods and ReplicaSets are read for compliance and ownership, but their controllers own them.
const owned = ['pods', 'replicasets']

const on = (verbs: readonly string[], except: readonly string[] = []): RbacRule[] =>
  driftKinds
    .filter((k) => !owned.includes(k.resource) && !except.includes(k.resource))
    .map((k) => ({ ...k, verbs }))

/** actionRbac lists per action the API calls it makes (run, impact and verification together). */
export const actionRbac = {
  restart_pod: [
    { apiGroup: '', resource: 'pods', verbs: ['get', 'list', 'delete'] },
    { apiGroup: 'apps', resource: 'replicasets', verbs: ['get'] },
    { apiGroup: 'apps', resource: 'statefulsets', verbs: ['get'] },
  ],
  rollout_restart: [
    { apiGroup: 'apps', resource: 'deployments', verbs: ['get', 'patch'] },
    { apiGroup: 'apps', resource: 'statefulsets', verbs: ['get', 'patch'] },
    { apiGroup: 'apps', resource: 'daemonsets', verbs: ['get', 'patch'] },
  ],
  scale_deployment: [{ apiGroup: 'apps', resource: 'deployments', verbs: ['get', 'patch'] }],
  rollback_deployment: [
    { apiGroup: 'apps', resource: 'deployments', verbs: ['get', 'patch'] },
    { apiGroup: 'apps', resource: 'replicasets', verbs: ['list'] },
  ],
  // Server-side apply is a PATCH; when the object is missing the API server creates it and
  // authorizes that as `create` too (kubernetes.io/docs/reference/using-api/api-concepts).
  apply_manifest: on(['get', 'patch', 'create']),
  // The action refuses Namespaces (and Nodes, CRDs): no delete on them.
  delete_unexpected: on(['get', 'delete'], ['namespaces']),
  cordon_node: [{ apiGroup: '', resource: 'nodes', verbs: ['get', 'list', 'patch'] }],
  uncordon_node: [{ apiGroup: '', resource: 'nodes', verbs: ['get', 'list', 'patch'] }],
  drain_node: [
    { apiGroup: '', resource: 'nodes', verbs: ['get', 'list', 'patch'] },
    { apiGroup: '', resource: 'pods', verbs: ['list'] },
    { apiGroup: '', resource: 'pods/eviction', verbs: ['create'] },
  ],
  run_command: [],
} satisfies Record<ActionName, RbacRule[]>

/** leaseRbac is what the Kubernetes leader election (src/leader/kubernetes.ts) calls on its Lease. */
export const leaseRbac: RbacRule = {
  apiGroup: 'coordination.k8s.io',
  resource: 'leases',
  verbs: ['get', 'create', 'patch'],
}
