/**
 * Builds a `Cluster` (ClusterReader + ClusterWriter) from loaded credentials: the REST calls, the
 * shared watch caches and the transport that honours TLS under Bun, wired together.
 */
import { loadCredentials, type Credentials, type LoadOptions } from './credentials.ts'
import { Informers, defaultInformerOptions, type InformerOptions } from './informer.ts'
import { Rest } from './rest.ts'
import { Transport } from './transport.ts'
import type { Cluster } from './types.ts'

/** ConnectOptions are the credential settings plus, for tests, informer tuning. */
export interface ConnectOptions extends LoadOptions {
  informers?: Partial<InformerOptions>
}

/** connect loads the credentials and returns a Cluster; throws KubeConfigError on bad settings. */
export function connect(options: ConnectOptions): Cluster {
  return clusterFrom(loadCredentials(options), options.informers)
}

/** clusterFrom wires a Cluster over credentials already loaded. */
export function clusterFrom(
  credentials: Credentials,
  informerOptions: Partial<InformerOptions> = {},
): Cluster {
  const transport = new Transport(credentials)
  const rest = new Rest(transport, credentials.namespace)
  const informers = new Informers(transport, rest, {
    ...defaultInformerOptions,
    ...informerOptions,
  })
  return {
    server: credentials.server,
    context: credentials.context,
    namespace: credentials.namespace,
    discover: () => rest.discover(),
    resourceFor: (apiVersion, kind) => rest.resourceFor(apiVersion, kind),
    list: (ref, options) => rest.list(ref, options),
    get: (ref, name) => rest.get(ref, name),
    watch: (ref, handlers, options) => informers.watch(ref, handlers, options),
    create: (object, options) => rest.create(object, options),
    patch: (ref, name, patch, options) => rest.patch(ref, name, patch, options),
    apply: (object, options) => rest.apply(object, options),
    delete: (ref, name, options) => rest.delete(ref, name, options),
    evict: (namespace, pod, options) => rest.evict(namespace, pod, options),
    close: () => informers.close(),
  }
}
