/**
 * The one way vigil talks HTTP to the API server: fetch with the cluster CA, the client
 * certificate and key, and skip-verify handed to the runtime (Bun's `tls` option, a Deno HTTP
 * client; see `runtime/tls-fetch.ts`). The client library's own fetch
 * (undici) drops those under Bun (oven-sh/bun#19754), so both our REST calls and the client's
 * typed APIs (`http-library.ts`) go through here. Failures become KubeApiError.
 */
import { tlsFetchInit } from '../runtime/tls-fetch.ts'
import type { Credentials } from './credentials.ts'
import { errorFromStatus, KubeApiError, type KubeStatus } from './errors.ts'

/** Query is a URL query; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined>

/** Request is one call to the API server. */
export interface Request {
  method?: string
  /** path is the URL path from the server root (`/api/v1/namespaces`), query excluded. */
  path: string
  query?: Query
  body?: unknown
  contentType?: string
  signal?: AbortSignal
  /** timeoutMs bounds the whole call; 0 for none (watches). */
  timeoutMs?: number
}

const defaultTimeoutMs = 30_000

/** Transport sends requests with the credentials' TLS material and auth headers. */
export class Transport {
  constructor(
    readonly credentials: Credentials,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** url builds the absolute URL of a path and query. */
  url(path: string, query: Query = {}): string {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value))
    }
    const qs = params.toString()
    return `${this.credentials.server}${path}${qs ? `?${qs}` : ''}`
  }

  /** send makes the call and returns the response whatever its status; unreachable throws. */
  async send(request: Request): Promise<Response> {
    return this.sendUrl(this.url(request.path, request.query), request)
  }

  /** sendUrl is send for a URL already built (the client library hands us those). */
  async sendUrl(
    url: string,
    request: Omit<Request, 'path' | 'query'> & { headers?: Record<string, string> },
  ): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'vigil',
      ...request.headers,
      ...(await this.credentials.headers()),
    }
    let body: string | undefined
    if (request.body !== undefined) {
      body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body)
      headers['Content-Type'] = request.contentType ?? 'application/json'
    }
    const timeoutMs = request.timeoutMs ?? defaultTimeoutMs
    const signals = [request.signal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined]
    const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined))
    try {
      return await this.fetchImpl(url, {
        method: request.method ?? 'GET',
        headers,
        body,
        signal,
        ...tlsFetchInit(this.credentials.tls),
      } as RequestInit)
    } catch (err) {
      if (request.signal?.aborted) throw err
      const { pathname } = new URL(url)
      const cause =
        (err as Error).cause instanceof Error ? ((err as Error).cause as Error) : (err as Error)
      throw new KubeApiError(
        `${request.method ?? 'GET'} ${pathname}: cannot reach ${this.credentials.server}: ${cause.message}`,
        {
          statusCode: 0,
          reason: (err as Error).name === 'TimeoutError' ? 'Timeout' : 'Unreachable',
          cause: err,
        },
      )
    }
  }

  /** json makes the call and returns the parsed body of a 2xx; anything else throws. */
  async json<T>(request: Request): Promise<T> {
    const res = await this.send(request)
    const text = await res.text()
    if (!res.ok) throw failure(request, res, text)
    try {
      return JSON.parse(text) as T
    } catch {
      throw new KubeApiError(`${describe(request)}: the server sent a body that is not JSON`, {
        statusCode: res.status,
        reason: 'Unknown',
      })
    }
  }
}

/** failure maps a non-2xx response (and its body text) to a KubeApiError. */
export function failure(request: Request, res: Response, text: string): KubeApiError {
  let status: KubeStatus | undefined
  try {
    status = JSON.parse(text) as KubeStatus
  } catch {
    status = text ? { message: text.slice(0, 200) } : undefined
  }
  return errorFromStatus(res.status, status, describe(request), res.headers.get('retry-after'))
}

function describe(request: Request): string {
  return `${request.method ?? 'GET'} ${request.path}`
}
