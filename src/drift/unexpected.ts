/**
 * Unexpected objects: live objects in scope that no manifest declares. The scope defaults to the
 * namespaces and kinds the manifests use. Objects another object owns (ownerReferences) and the
 * ones Kubernetes itself creates (the default ServiceAccount, kube-root-ca.crt, token Secrets,
 * Endpoints of Services, events, node leases, system RBAC...) are never unexpected.
 */
import { kindKey, record, str } from './identity.ts'
import { globMatch } from './pointer.ts'
import { selectorMatches, type LabelSelector } from './selector.ts'
import type { KubeObject, ResourceId } from './types.ts'

/** Scope says which live objects must be declared. */
export interface Scope {
  /** Namespaces (globs); default: those the manifests use. */
  namespaces?: readonly string[]
  /** Kinds, as `Kind` (any group) or `group/Kind` (`/Kind` for the core group); default: those the manifests use. */
  kinds?: readonly string[]
  /** Only live objects with matching labels. */
  selector?: LabelSelector
}

/** Live is one live object with its identity. */
export interface Live {
  object: KubeObject
  id: ResourceId
}

const systemNamespaces = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease'])
const eventGroups = new Set(['', 'events.k8s.io'])
const rbacKinds = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'])

type Probe = (live: Live, services: ReadonlySet<string>) => boolean

/** builtIn lists what Kubernetes creates by itself, each with why it is never unexpected. */
export const builtIn: readonly { why: string; test: Probe }[] = [
  { why: 'owned by another object', test: ({ object }) => owned(object) },
  { why: 'being deleted', test: ({ object }) => !!str(meta(object).deletionTimestamp) },
  {
    why: 'the default ServiceAccount of a namespace',
    test: ({ id }) => id.kind === 'ServiceAccount' && id.name === 'default',
  },
  {
    why: 'the cluster CA published in every namespace',
    test: ({ id }) => id.kind === 'ConfigMap' && id.name === 'kube-root-ca.crt',
  },
  {
    why: 'a service account token',
    test: ({ object, id }) =>
      id.kind === 'Secret' && object.type === 'kubernetes.io/service-account-token',
  },
  {
    why: 'the Endpoints of a Service',
    test: ({ id }, services) =>
      id.kind === 'Endpoints' && services.has(`${id.namespace ?? ''}/${id.name}`),
  },
  {
    why: 'an EndpointSlice of a Service',
    test: ({ object, id }) =>
      id.kind === 'EndpointSlice' && !!str(labels(object)['kubernetes.io/service-name']),
  },
  { why: 'an event', test: ({ id }) => id.kind === 'Event' && eventGroups.has(id.group) },
  {
    why: 'a node heartbeat lease',
    test: ({ id }) => id.kind === 'Lease' && id.namespace === 'kube-node-lease',
  },
  {
    why: 'a namespace Kubernetes creates',
    test: ({ id }) => id.kind === 'Namespace' && systemNamespaces.has(id.name),
  },
  {
    why: 'the API server Service',
    test: ({ id }) =>
      (id.kind === 'Service' || id.kind === 'Endpoints') &&
      id.namespace === 'default' &&
      id.name === 'kubernetes',
  },
  {
    why: 'system RBAC',
    test: ({ object, id }) =>
      rbacKinds.has(id.kind) &&
      (id.name.startsWith('system:') ||
        labels(object)['kubernetes.io/bootstrapping'] === 'rbac-defaults'),
  },
  { why: 'a node', test: ({ id }) => id.kind === 'Node' },
  {
    why: 'a built-in priority class',
    test: ({ id }) => id.kind === 'PriorityClass' && id.name.startsWith('system-'),
  },
]

function meta(object: KubeObject): Record<string, unknown> {
  return record(object.metadata) ?? {}
}

function labels(object: KubeObject): Record<string, unknown> {
  return record(meta(object).labels) ?? {}
}

function owned(object: KubeObject): boolean {
  const refs = meta(object).ownerReferences
  return Array.isArray(refs) && refs.length > 0
}

/** defaultScope is the namespaces and kinds the desired objects use. */
export function defaultScope(desired: readonly ResourceId[]): Required<Omit<Scope, 'selector'>> {
  const namespaces = new Set<string>()
  const kinds = new Set<string>()
  for (const id of desired) {
    if (id.namespace !== null) namespaces.add(id.namespace)
    kinds.add(kindKey(id.group, id.kind))
  }
  return { namespaces: [...namespaces], kinds: [...kinds] }
}

/** inScope is true when a live object is of a scoped kind, in a scoped namespace, with matching labels. */
export function inScope(live: Live, scope: Scope, fallback: Required<Omit<Scope, 'selector'>>) {
  const { id } = live
  const kinds = scope.kinds ?? fallback.kinds
  const key = kindKey(id.group, id.kind)
  if (!kinds.some((k) => (k.includes('/') ? globMatch(k, key) : globMatch(k, id.kind)))) {
    return false
  }
  const namespaces = scope.namespaces ?? fallback.namespaces
  if (id.namespace !== null && !namespaces.some((n) => globMatch(n, id.namespace ?? ''))) {
    return false
  }
  return !scope.selector || selectorMatches(scope.selector, labels(live.object))
}

/** neverUnexpected says why Kubernetes made this object itself, or undefined when it did not. */
export function neverUnexpected(live: Live, services: ReadonlySet<string>): string | undefined {
  return builtIn.find((b) => b.test(live, services))?.why
}
