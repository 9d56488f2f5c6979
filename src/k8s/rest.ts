/**
 * The generic REST half of the adapter: discovery, list, get, create, patch, apply, delete and
 * evict for any resource, with plain JSON in and out. Typed clients would turn timestamps into
 * Dates and drop unknown fields; the drift engine needs objects exactly as the server sends them.
 */
import { KubeApiError } from './errors.ts'
import {
  apiVersionOf,
  collectionPath,
  groupVersionPath,
  objectPath,
  splitApiVersion,
} from './paths.ts'
import type { Transport } from './transport.ts'
import type {
  ApiResource,
  DeleteOptions,
  KubeObject,
  ListOptions,
  ObjectList,
  PatchOptions,
  PatchType,
  ResourceRef,
  WriteOptions,
} from './types.ts'

const contentTypes = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
  json: 'application/json-patch+json',
} satisfies Record<PatchType, string>

const pageSize = 500
/** A missed kind triggers a new discovery at most this often (CRDs installed after start). */
const rediscoverMs = 30_000

interface ResourceList {
  groupVersion: string
  resources: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[]
}

/** Rest implements the request side of ClusterReader and ClusterWriter over a Transport. */
export class Rest {
  private discovered: Promise<ApiResource[]> | undefined
  private discoveredAt = 0

  constructor(
    private readonly transport: Transport,
    private readonly defaultNamespace: string,
  ) {}

  /** discover lists every resource of every group version the server serves (cached). */
  discover(): Promise<ApiResource[]> {
    if (!this.discovered) {
      this.discoveredAt = Date.now()
      this.discovered = this.runDiscovery().catch((err: unknown) => {
        this.discovered = undefined
        throw err
      })
    }
    return this.discovered
  }

  /** resourceFor finds the resource serving a kind; rediscovers once when it is unknown. */
  async resourceFor(apiVersion: string, kind: string): Promise<ApiResource> {
    const { group, version } = splitApiVersion(apiVersion)
    const find = (all: ApiResource[]) =>
      all.find((r) => r.group === group && r.version === version && r.kind === kind)
    let found = find(await this.discover())
    if (!found && Date.now() - this.discoveredAt > rediscoverMs) {
      this.discovered = undefined
      found = find(await this.discover())
    }
    if (!found) {
      throw new KubeApiError(`the server has no resource for kind ${kind} in ${apiVersion}`, {
        statusCode: 404,
        reason: 'NotFound',
      })
    }
    return found
  }

  /** list reads every page of a collection; items get their apiVersion and kind back. */
  async list(ref: ResourceRef, options: ListOptions = {}): Promise<ObjectList> {
    const items: KubeObject[] = []
    let cont: string | undefined
    let resourceVersion = ''
    let kind = ''
    do {
      const page = await this.transport.json<{
        kind: string
        metadata: { resourceVersion?: string; continue?: string }
        items: KubeObject[] | null
      }>({
        path: collectionPath(ref),
        query: { ...selectors(options), limit: pageSize, continue: cont },
      })
      kind = page.kind.replace(/List$/, '')
      items.push(...(page.items ?? []))
      resourceVersion = page.metadata.resourceVersion ?? resourceVersion
      cont = page.metadata.continue || undefined
    } while (cont)
    const apiVersion = apiVersionOf(ref.group, ref.version)
    for (const item of items) {
      item.apiVersion ??= apiVersion
      item.kind ??= kind
    }
    return { items, resourceVersion }
  }

  /** get reads one object, or null on 404. */
  async get(ref: ResourceRef, name: string): Promise<KubeObject | null> {
    try {
      return await this.transport.json<KubeObject>({ path: objectPath(ref, name) })
    } catch (err) {
      if (err instanceof KubeApiError && err.statusCode === 404) return null
      throw err
    }
  }

  /** create posts a new object to its collection. */
  async create(object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const ref = await this.refOf(object)
    return this.transport.json<KubeObject>({
      method: 'POST',
      path: collectionPath(ref),
      query: writeQuery(options),
      body: object,
    })
  }

  /** patch sends a merge, strategic-merge, apply or JSON patch. */
  patch(
    ref: ResourceRef,
    name: string,
    patch: unknown,
    options: PatchOptions,
  ): Promise<KubeObject> {
    if (options.type === 'apply' && !options.fieldManager) {
      throw new KubeApiError('a server-side apply needs a fieldManager', {
        statusCode: 0,
        reason: 'BadRequest',
      })
    }
    return this.transport.json<KubeObject>({
      method: 'PATCH',
      path: objectPath(ref, name),
      query: {
        ...writeQuery(options),
        force: options.type === 'apply' && options.force ? true : undefined,
      },
      body: patch,
      contentType: contentTypes[options.type],
    })
  }

  /** apply sends the whole object as a server-side apply. */
  async apply(
    object: KubeObject,
    options: WriteOptions & { fieldManager: string; force?: boolean },
  ): Promise<KubeObject> {
    const ref = await this.refOf(object)
    return this.patch(ref, object.metadata.name, object, { ...options, type: 'apply' })
  }

  /** delete removes one object. */
  async delete(ref: ResourceRef, name: string, options: DeleteOptions = {}): Promise<void> {
    await this.transport.json({
      method: 'DELETE',
      path: objectPath(ref, name),
      query: writeQuery(options),
      body: {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: options.propagationPolicy,
        gracePeriodSeconds: options.gracePeriodSeconds,
        dryRun: options.dryRun ? ['All'] : undefined,
      },
    })
  }

  /** evict posts a policy/v1 Eviction for a pod; a PodDisruptionBudget refusal is a 429. */
  async evict(namespace: string, pod: string, options: WriteOptions = {}): Promise<void> {
    const ref = { group: '', version: 'v1', resource: 'pods', namespace }
    await this.transport.json({
      method: 'POST',
      path: `${objectPath(ref, pod)}/eviction`,
      query: writeQuery(options),
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: pod, namespace },
        deleteOptions: options.dryRun ? { dryRun: ['All'] } : undefined,
      },
    })
  }

  /** refOf finds the collection of an object (its namespace defaults to the context's). */
  async refOf(object: KubeObject): Promise<ResourceRef> {
    if (!object?.apiVersion || !object.kind || !object.metadata?.name) {
      throw new KubeApiError('an object needs apiVersion, kind and metadata.name', {
        statusCode: 0,
        reason: 'BadRequest',
      })
    }
    const r = await this.resourceFor(object.apiVersion, object.kind)
    const namespace = r.namespaced
      ? (object.metadata.namespace ?? this.defaultNamespace)
      : undefined
    return { group: r.group, version: r.version, resource: r.resource, namespace }
  }

  private async runDiscovery(): Promise<ApiResource[]> {
    const core = await this.transport.json<{ versions: string[] }>({ path: '/api' })
    const groups = await this.transport.json<{
      groups: { name: string; versions: { version: string }[] }[]
    }>({ path: '/apis' })
    const versions = [
      ...core.versions.map((version) => ({ group: '', version })),
      ...groups.groups.flatMap((g) =>
        g.versions.map((v) => ({ group: g.name, version: v.version })),
      ),
    ]
    const lists = await Promise.all(
      versions.map(async ({ group, version }) => {
        try {
          const list = await this.transport.json<ResourceList>({
            path: groupVersionPath(group, version),
          })
          return { group, version, list }
        } catch (err) {
          // An aggregated API that is down (metrics-server, say) must not hide the others.
          if (err instanceof KubeApiError && err.statusCode >= 500) return undefined
          throw err
        }
      }),
    )
    return lists.flatMap((entry) =>
      entry
        ? entry.list.resources
            .filter((r) => !r.name.includes('/'))
            .map((r) => ({
              group: entry.group,
              version: entry.version,
              resource: r.name,
              kind: r.kind,
              namespaced: r.namespaced,
              verbs: r.verbs ?? [],
            }))
        : [],
    )
  }
}

function selectors(options: ListOptions): Record<string, string | undefined> {
  return {
    labelSelector: options.labelSelector || undefined,
    fieldSelector: options.fieldSelector || undefined,
  }
}

function writeQuery(options: WriteOptions): Record<string, string | undefined> {
  return { dryRun: options.dryRun ? 'All' : undefined, fieldManager: options.fieldManager }
}
