/**
 * Resource identity: (group, version, kind, namespace, name). Namespaced kinds without a namespace
 * get the default one; whether a kind is namespaced comes from discovery when the caller has it and
 * from a built-in table of cluster-scoped kinds otherwise. Desired and live objects are matched on
 * (group, kind, namespace, name): the API server serves one object under every version of its group.
 */
import type { KindInfo, KubeObject, ResourceId, ResourceRef } from './types.ts'

/** clusterScopedKinds are the built-in kinds that live outside namespaces, keyed `group/Kind`. */
export const clusterScopedKinds: ReadonlySet<string> = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/ServiceCIDR',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
])

/** IdentityOptions say how to place objects: the default namespace and what discovery knows. */
export interface IdentityOptions {
  /** The namespace of namespaced objects that name none (default `default`). */
  defaultNamespace?: string
  /** Discovery: kinds it lists override the built-in table. */
  kinds?: readonly KindInfo[]
}

/** splitApiVersion splits `apps/v1` into group `apps` and version `v1`; `v1` is the core group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/')
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) }
}

/** kindKey names a kind across versions, `group/Kind` (`/Service` for the core group). */
export function kindKey(group: string, kind: string): string {
  return `${group}/${kind}`
}

/** Scopes answers whether a kind is namespaced, from discovery first and the built-in table second. */
export class Scopes {
  private readonly discovered = new Map<string, boolean>()

  constructor(kinds: readonly KindInfo[] = []) {
    for (const k of kinds) this.discovered.set(kindKey(k.group, k.kind), k.namespaced)
  }

  /** namespaced is true unless discovery or the built-in table say the kind is cluster-scoped. */
  namespaced(group: string, kind: string): boolean {
    const key = kindKey(group, kind)
    return this.discovered.get(key) ?? !clusterScopedKinds.has(key)
  }
}

/** str reads a string field of a plain object, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** record reads a nested plain object, or undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

/** resourceId identifies an object; undefined when it lacks apiVersion, kind or metadata.name. */
export function resourceId(
  object: KubeObject,
  scopes: Scopes,
  defaultNamespace = 'default',
): ResourceId | undefined {
  const apiVersion = str(object.apiVersion)
  const kind = str(object.kind)
  const metadata = record(object.metadata)
  const name = str(metadata?.name)
  if (!apiVersion || !kind || !name) return undefined
  const { group, version } = splitApiVersion(apiVersion)
  const namespace = scopes.namespaced(group, kind)
    ? (str(metadata?.namespace) ?? defaultNamespace)
    : null
  return { group, version, kind, namespace, name }
}

/** matchKey is the key desired and live objects are matched on: version-free. */
export function matchKey(id: ResourceId): string {
  return `${id.group}/${id.kind}/${id.namespace ?? ''}/${id.name}`
}

/** resourceRef turns an identity into the shape findings print. */
export function resourceRef(id: ResourceId): ResourceRef {
  return {
    apiVersion: id.group ? `${id.group}/${id.version}` : id.version,
    kind: id.kind,
    namespace: id.namespace,
    name: id.name,
  }
}
