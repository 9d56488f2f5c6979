/**
 * TLS options for an outgoing fetch, the way each runtime takes them: Bun reads a `tls` field
 * (`ca`, `cert`, `key`, `rejectUnauthorized`, `serverName`); Deno wants an HTTP client made by
 * `Deno.createHttpClient` (which cannot skip verification: run Deno with
 * `--unsafely-ignore-certificate-errors` for that). Used by the Kubernetes adapter.
 */

/** FetchTls is the TLS material of one peer. */
export interface FetchTls {
  ca?: string
  cert?: string
  key?: string
  rejectUnauthorized: boolean
  serverName?: string
}

declare const Deno:
  | { createHttpClient(options: { caCerts?: string[]; cert?: string; key?: string }): unknown }
  | undefined

const denoClients = new WeakMap<FetchTls, unknown>()

/** tlsFetchInit returns the fields to merge into a RequestInit so fetch uses `tls`. */
export function tlsFetchInit(tls: FetchTls): Record<string, unknown> {
  if (typeof Bun !== 'undefined') return { tls }
  if (typeof Deno !== 'undefined') {
    let client = denoClients.get(tls)
    if (!client) {
      client = Deno.createHttpClient({
        caCerts: tls.ca ? [tls.ca] : undefined,
        cert: tls.cert,
        key: tls.key,
      })
      denoClients.set(tls, client)
    }
    return { client }
  }
  return {}
}
