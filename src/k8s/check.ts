/**
 * A connectivity check through the client library's typed CoreV1Api over our transport: proves
 * that credentials, CA and client certificate work from wherever vigil runs (the compiled binary
 * included). Backs `vigil k8s check`.
 */
import { CoreV1Api } from '@kubernetes/client-node'
import type { KubeSettings } from '../config.ts'
import { loadCredentials } from './credentials.ts'
import { errorFromStatus, KubeApiError, type KubeStatus } from './errors.ts'
import { typedApi } from './http-library.ts'
import { Transport } from './transport.ts'

/** checkConnection lists the namespaces of the cluster the settings name. */
export async function checkConnection(settings: KubeSettings): Promise<{
  server: string
  context: string
  source: string
  namespaces: string[]
}> {
  const credentials = loadCredentials(settings)
  const core = typedApi(new Transport(credentials), CoreV1Api)
  try {
    const list = await core.listNamespace()
    return {
      server: credentials.server,
      context: credentials.context,
      source: credentials.source,
      namespaces: list.items.map((ns) => ns.metadata?.name ?? '').filter((n) => n !== ''),
    }
  } catch (err) {
    throw clientError(err)
  }
}

/** clientError maps the client's ApiException to a KubeApiError; other errors pass through. */
function clientError(err: unknown): unknown {
  if (err instanceof KubeApiError) return err
  const e = err as { code?: unknown; body?: unknown }
  if (typeof e?.code !== 'number') return err
  let status: KubeStatus | undefined
  try {
    status =
      typeof e.body === 'string' ? (JSON.parse(e.body) as KubeStatus) : (e.body as KubeStatus)
  } catch {
    status = undefined
  }
  return errorFromStatus(e.code, status, 'GET /api/v1/namespaces')
}
