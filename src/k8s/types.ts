/**
 * The plain types of the Kubernetes adapter: objects as JSON, resource references, and the two
 * narrow interfaces the rest of vigil codes against (`ClusterReader`, `ClusterWriter`). No client
 * import here, so fakes and pure cores can use them for free.
 */

/** KubeObject is any Kubernetes object as plain JSON (what the API server sends). */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  [field: string]: unknown
}

/** ObjectMeta is the part of `metadata` vigil reads; the rest is kept as is. */
export interface ObjectMeta {
  name: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string }[]
  managedFields?: ManagedFieldsEntry[]
  [field: string]: unknown
}

/** ManagedFieldsEntry is one field manager's claim on an object (server-side apply). */
export interface ManagedFieldsEntry {
  manager: string
  operation: 'Apply' | 'Update'
  apiVersion: string
  time?: string
  fieldsType: 'FieldsV1'
  fieldsV1: Record<string, unknown>
  subresource?: string
}

/** ResourceRef names a collection: a resource of a group version, in a namespace or cluster-wide. */
export interface ResourceRef {
  /** The API group; '' for the core group (`/api/v1`). */
  group: string
  version: string
  /** The plural resource name, as in the URL (`deployments`). */
  resource: string
  /** The namespace; absent for cluster-scoped resources or for every namespace. */
  namespace?: string
}

/** ApiResource is one resource the server offers, from discovery. */
export interface ApiResource {
  group: string
  version: string
  resource: string
  kind: string
  namespaced: boolean
  verbs: string[]
}

/** ListOptions narrows a list or a watch. */
export interface ListOptions {
  /** A label selector: `app=web,tier!=db,env in (a,b),!legacy`. */
  labelSelector?: string
  fieldSelector?: string
}

/** ObjectList is the result of a list: the items and the resourceVersion to watch from. */
export interface ObjectList {
  items: KubeObject[]
  resourceVersion: string
}

/** WatchEventType is what happened to an object. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'

/** WatchEvent is one change seen by a watch. */
export interface WatchEvent {
  type: WatchEventType
  object: KubeObject
}

/** WatchHandlers receive what a watch sees; every handler is optional. */
export interface WatchHandlers {
  /** onEvent gets each change, after the cache holds it. */
  onEvent?(event: WatchEvent): void
  /** onSync gets the whole cache after each complete list (the first and every relist). */
  onSync?(objects: KubeObject[]): void
  /** onError gets failures the watch recovers from by itself (with backoff). */
  onError?(error: Error): void
}

/** WatchHandle is a running subscription to a shared cache. */
export interface WatchHandle {
  /** synced resolves once the first list is in the cache. */
  synced: Promise<void>
  /** objects returns the cached objects now (empty before the first list). */
  objects(): KubeObject[]
  /** stop ends this subscription; the shared watch stops with its last subscriber. */
  stop(): void
}

/** ClusterReader reads the cluster: discovery, list, get and watch. */
export interface ClusterReader {
  /** discover lists every resource the server offers (cached after the first call). */
  discover(): Promise<ApiResource[]>
  /** resourceFor finds the resource of a kind (`apps/v1`, `Deployment`); throws NotFound if none. */
  resourceFor(apiVersion: string, kind: string): Promise<ApiResource>
  /** list returns the objects of a collection and its resourceVersion. */
  list(ref: ResourceRef, options?: ListOptions): Promise<ObjectList>
  /** get returns one object, or null when it does not exist. */
  get(ref: ResourceRef, name: string): Promise<KubeObject | null>
  /** watch subscribes to a shared, self-healing cache of a collection. */
  watch(ref: ResourceRef, handlers: WatchHandlers, options?: ListOptions): WatchHandle
}

/** PatchType is the kind of patch: JSON merge, strategic merge, server-side apply, JSON patch. */
export type PatchType = 'merge' | 'strategic' | 'apply' | 'json'

/** WriteOptions are shared by every mutation. */
export interface WriteOptions {
  /** dryRun asks the server to validate and answer without storing (`dryRun=All`). */
  dryRun?: boolean
  /** fieldManager names who makes the change (required for apply). */
  fieldManager?: string
}

/** PatchOptions are the options of a patch. */
export interface PatchOptions extends WriteOptions {
  type: PatchType
  /** force takes over fields other managers own (apply only). */
  force?: boolean
}

/** DeleteOptions are the options of a delete. */
export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'
  gracePeriodSeconds?: number
}

/** ClusterWriter changes the cluster; every call can be a server-side dry run. */
export interface ClusterWriter {
  /** create stores a new object; its collection is found by discovery. */
  create(object: KubeObject, options?: WriteOptions): Promise<KubeObject>
  /** patch changes one object and returns it as stored (or as it would be, on a dry run). */
  patch(ref: ResourceRef, name: string, patch: unknown, options: PatchOptions): Promise<KubeObject>
  /** apply sends the object as a server-side apply under `fieldManager`. */
  apply(
    object: KubeObject,
    options: WriteOptions & { fieldManager: string; force?: boolean },
  ): Promise<KubeObject>
  /** delete removes one object; a missing one is a `NotFound` KubeApiError. */
  delete(ref: ResourceRef, name: string, options?: DeleteOptions): Promise<void>
  /** evict asks to evict a pod through the Eviction API (honours PodDisruptionBudgets). */
  evict(namespace: string, pod: string, options?: WriteOptions): Promise<void>
}

/** Cluster is a connection that reads and writes. */
export interface Cluster extends ClusterReader, ClusterWriter {
  /** server is the API server URL. */
  readonly server: string
  /** context is the kubeconfig context in use (`in-cluster` for a service account). */
  readonly context: string
  /** namespace is the default namespace of that context. */
  readonly namespace: string
  /** close stops every watch. */
  close(): void
}
