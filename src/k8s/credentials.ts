/**
 * Loads Kubernetes credentials: a kubeconfig (the explicit setting, then `KUBECONFIG`, then
 * `~/.kube/config`) or, failing those, the in-cluster service account. The client's `KubeConfig`
 * parses the files and runs the auth providers (token files, exec plugins, OIDC); the TLS material
 * is read here once, because under Bun the client would ignore it (see `transport.ts`).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { KubeConfig, type Cluster as KubeCluster, type User } from '@kubernetes/client-node'
import type { KubeSettings } from '../config.ts'
import type { FetchTls } from '../runtime/tls-fetch.ts'
import { KubeConfigError } from './errors.ts'

/** serviceAccountDir is where Kubernetes mounts a Pod's service-account token, CA and namespace. */
export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount'

/** TlsOptions is the TLS material of the API server connection. */
export type TlsOptions = FetchTls

/** Credentials are a loaded connection: where the server is, its TLS material and auth headers. */
export interface Credentials {
  server: string
  context: string
  namespace: string
  /** source says where the credentials came from, for messages (never contains a secret). */
  source: string
  tls: TlsOptions
  /** headers returns the auth headers for the next request (tokens are re-read as they rotate). */
  headers(): Promise<Record<string, string>>
}

/** LoadOptions are the settings and, for tests, another service-account directory. */
export interface LoadOptions extends KubeSettings {
  serviceAccountDir?: string
}

const headerTtlMs = 10_000

/** loadCredentials finds and loads the credentials; throws KubeConfigError saying what to fix. */
export function loadCredentials(options: LoadOptions): Credentials {
  const { kc, source } = loadKubeConfig(options)
  if (options.context) {
    const names = kc.getContexts().map((c) => c.name)
    if (!names.includes(options.context)) {
      throw new KubeConfigError(
        `context "${options.context}" (VIGIL_KUBE_CONTEXT) is not in ${source}; it has: ${names.join(', ') || 'none'}`,
      )
    }
    kc.setCurrentContext(options.context)
  } else if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
    const names = kc.getContexts().map((c) => c.name)
    if (names.length !== 1) {
      throw new KubeConfigError(
        `${source} has no usable current-context; set VIGIL_KUBE_CONTEXT (--kube-context) to one of: ${names.join(', ') || 'none (the file defines no context)'}`,
      )
    }
    kc.setCurrentContext(names[0]!)
  }
  const context = kc.getContextObject(kc.getCurrentContext())!
  const cluster = kc.getCurrentCluster()
  if (!cluster) {
    throw new KubeConfigError(
      `context "${context.name}" in ${source} names cluster "${context.cluster}", which is not defined`,
    )
  }
  const user = kc.getCurrentUser()
  if (context.user && !user) {
    throw new KubeConfigError(
      `context "${context.name}" in ${source} names user "${context.user}", which is not defined`,
    )
  }
  if (!/^https?:\/\/[^/]/.test(cluster.server ?? '')) {
    throw new KubeConfigError(
      `cluster "${cluster.name}" in ${source} has no valid server URL (got "${cluster.server ?? ''}")`,
    )
  }
  const tls = tlsOptions(cluster, user, source)
  return {
    server: cluster.server.replace(/\/+$/, ''),
    context: context.name,
    namespace: context.namespace ?? 'default',
    source,
    tls,
    headers: cachedHeaders(kc, source),
  }
}

function loadKubeConfig(options: LoadOptions): { kc: KubeConfig; source: string } {
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) {
      throw new KubeConfigError(
        `kubeconfig ${options.kubeconfig} (VIGIL_KUBECONFIG or --kubeconfig) does not exist`,
      )
    }
    return { kc: readFiles([options.kubeconfig]), source: `kubeconfig ${options.kubeconfig}` }
  }
  const fromEnv = options.env.KUBECONFIG?.split(':').filter((f) => f !== '') ?? []
  if (fromEnv.length > 0) {
    const present = fromEnv.filter((f) => existsSync(f))
    if (present.length === 0) {
      throw new KubeConfigError(`KUBECONFIG names no file that exists: ${fromEnv.join(', ')}`)
    }
    return { kc: readFiles(present), source: `kubeconfig ${present.join(':')} (KUBECONFIG)` }
  }
  const home = options.env.HOME ? join(options.env.HOME, '.kube', 'config') : undefined
  if (home && existsSync(home)) return { kc: readFiles([home]), source: `kubeconfig ${home}` }
  const dir = options.serviceAccountDir ?? serviceAccountDir
  const { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port } = options.env
  if (host && port) return { kc: inCluster(host, port, dir), source: 'in-cluster service account' }
  throw new KubeConfigError(
    'no Kubernetes credentials: set VIGIL_KUBECONFIG (or --kubeconfig, or KUBECONFIG) to a kubeconfig file, ' +
      'create ~/.kube/config, or run vigil in a Pod with a service account',
  )
}

function readFiles(files: string[]): KubeConfig {
  const merged = new KubeConfig()
  files.forEach((file, i) => {
    const kc = new KubeConfig()
    try {
      kc.loadFromFile(file)
    } catch (err) {
      throw new KubeConfigError(`kubeconfig ${file} cannot be read: ${(err as Error).message}`)
    }
    if (i === 0) merged.loadFromOptions(kc)
    else merged.mergeConfig(kc, true)
  })
  return merged
}

function inCluster(host: string, port: string, dir: string): KubeConfig {
  const tokenFile = join(dir, 'token')
  if (!existsSync(tokenFile)) {
    throw new KubeConfigError(
      `KUBERNETES_SERVICE_HOST is set but the service-account token ${tokenFile} is missing; ` +
        'mount a service account (automountServiceAccountToken) or set VIGIL_KUBECONFIG',
    )
  }
  const namespaceFile = join(dir, 'namespace')
  const namespace = existsSync(namespaceFile)
    ? readFileSync(namespaceFile, 'utf8').trim()
    : undefined
  const bracketed = host.includes(':') ? `[${host}]` : host
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [
      {
        name: 'in-cluster',
        server: `https://${bracketed}:${port}`,
        caFile: join(dir, 'ca.crt'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', namespace }],
    currentContext: 'in-cluster',
  })
  return kc
}

function tlsOptions(cluster: KubeCluster, user: User | null, source: string): TlsOptions {
  const what = (field: string, owner: string) => `${field} of ${owner} in ${source}`
  const clusterName = `cluster "${cluster.name}"`
  const userName = `user "${user?.name}"`
  const tls: TlsOptions = { rejectUnauthorized: !cluster.skipTLSVerify }
  const ca = material(cluster.caFile, cluster.caData, what('certificate-authority', clusterName))
  if (ca) tls.ca = ca
  if (cluster.tlsServerName) tls.serverName = cluster.tlsServerName
  if (user) {
    const cert = material(user.certFile, user.certData, what('client-certificate', userName))
    const key = material(user.keyFile, user.keyData, what('client-key', userName))
    if (Boolean(cert) !== Boolean(key)) {
      throw new KubeConfigError(
        `${userName} in ${source} has a client ${cert ? 'certificate but no key' : 'key but no certificate'}`,
      )
    }
    if (cert && key) Object.assign(tls, { cert, key })
  }
  return tls
}

function material(
  file: string | undefined | null,
  data: string | undefined | null,
  what: string,
): string | undefined {
  if (file) {
    if (!existsSync(file)) throw new KubeConfigError(`${what}: file ${file} does not exist`)
    return readFileSync(file, 'utf8')
  }
  if (data) {
    const text = Buffer.from(data, 'base64').toString('utf8')
    if (!text.includes('-----BEGIN')) {
      throw new KubeConfigError(`${what}-data is not base64-encoded PEM`)
    }
    return text
  }
  return undefined
}

function cachedHeaders(kc: KubeConfig, source: string): () => Promise<Record<string, string>> {
  let cached: { at: number; headers: Record<string, string> } | undefined
  return async () => {
    if (cached && Date.now() - cached.at < headerTtlMs) return cached.headers
    const opts: { headers?: Record<string, string | number | string[]>; auth?: string } = {
      headers: {},
    }
    try {
      await kc.applyToHTTPSOptions(opts)
    } catch (err) {
      throw new KubeConfigError(`cannot get credentials from ${source}: ${(err as Error).message}`)
    }
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(opts.headers ?? {})) {
      headers[name] = String(value).trim()
    }
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`
    cached = { at: Date.now(), headers }
    return headers
  }
}
