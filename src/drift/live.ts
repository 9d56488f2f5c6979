/**
 * What of the cluster a scan needs: the collections of the kinds the manifests declare (found by
 * discovery), listed once for `vigil drift check` or watched through the adapter's shared caches
 * by the server's scanner.
 */
import type {
  ApiResource,
  ClusterReader,
  KubeObject as LiveObject,
  ResourceRef,
} from '../k8s/types.ts'
import type { KindInfo, Manifest } from './types.ts'

/** Collection is one kind the desired state uses and where the cluster serves it. */
export interface Collection {
  apiVersion: string
  kind: string
  resource: ApiResource
}

/** Resolved is what discovery said about the kinds of the manifests. */
export interface Resolved {
  collections: Collection[]
  /** Discovery's namespaced flag of every kind found, for placing objects. */
  kinds: KindInfo[]
  /** Kinds the cluster does not serve (a CRD not installed): their objects are all missing. */
  unserved: string[]
}

/** kindsOf lists the distinct (apiVersion, kind) pairs of the manifests, in first-seen order. */
export function kindsOf(manifests: readonly Manifest[]): { apiVersion: string; kind: string }[] {
  const seen = new Map<string, { apiVersion: string; kind: string }>()
  for (const m of manifests) {
    const apiVersion = String(m.object.apiVersion)
    const kind = String(m.object.kind)
    seen.set(`${apiVersion}/${kind}`, { apiVersion, kind })
  }
  return [...seen.values()]
}

/**
 * resolve finds by discovery the collection of each kind the manifests declare, and of each kind
 * the scope names exactly (`Pod`, `apps/ReplicaSet`; globs only filter): those are watched too,
 * for `unexpected` objects and compliance over what runs.
 */
export async function resolve(
  reader: ClusterReader,
  manifests: readonly Manifest[],
  scopeKinds: readonly string[] = [],
): Promise<Resolved> {
  const out: Resolved = { collections: [], kinds: [], unserved: [] }
  const exact = scopeKinds.filter((k) => !/[*?[]/.test(k))
  if (exact.length > 0) {
    const served = await reader.discover()
    for (const name of exact) {
      const [group, kind] = name.includes('/') ? name.split('/', 2) : [undefined, name]
      const found = served.filter(
        (r) =>
          r.kind === kind &&
          (group === undefined || r.group === group) &&
          r.verbs.includes('watch'),
      )
      // The core group first, then the first group discovery lists (its preferred version).
      const r = found.find((x) => x.group === '') ?? found[0]
      if (!r) {
        out.unserved.push(name)
        continue
      }
      const apiVersion = r.group ? `${r.group}/${r.version}` : r.version
      out.collections.push({ apiVersion, kind: r.kind, resource: r })
      out.kinds.push({ group: r.group, kind: r.kind, namespaced: r.namespaced })
    }
  }
  for (const { apiVersion, kind } of kindsOf(manifests)) {
    if (out.collections.some((c) => c.apiVersion === apiVersion && c.kind === kind)) continue
    try {
      const resource = await reader.resourceFor(apiVersion, kind)
      out.collections.push({ apiVersion, kind, resource })
      out.kinds.push({ group: resource.group, kind, namespaced: resource.namespaced })
    } catch (err) {
      if ((err as { reason?: string }).reason !== 'NotFound') throw err
      out.unserved.push(`${apiVersion} ${kind}`)
    }
  }
  return out
}

/** listAll lists every collection across namespaces (one request each, for a one-off check). */
export async function listAll(
  reader: ClusterReader,
  collections: readonly Collection[],
): Promise<LiveObject[]> {
  const lists = await Promise.all(collections.map((c) => reader.list(refOf(c))))
  return lists.flatMap((list) => list.items)
}

/** refOf names a collection across every namespace. */
export function refOf(c: Collection): ResourceRef {
  return { group: c.resource.group, version: c.resource.version, resource: c.resource.resource }
}
