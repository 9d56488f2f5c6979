/** Posting log lines and events to a test app, and reading counters off its registry. */
import type { TestApp } from './app.ts'

/** post sends a JSON (or raw) body to `path` with the headers. */
export function post(
  t: TestApp,
  path: string,
  body: unknown,
  headers: Record<string, string> = t.headers,
): Promise<Response> {
  return Promise.resolve(
    t.app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: (typeof body === 'string' || body instanceof Uint8Array
        ? body
        : JSON.stringify(body)) as BodyInit,
    }),
  )
}

/** get reads JSON from `path`. */
export async function get<T = Record<string, unknown>>(
  t: TestApp,
  path: string,
  headers: Record<string, string> = t.headers,
): Promise<{ status: number; body: T }> {
  const res = await t.app.request(path, { headers })
  return { status: res.status, body: (await res.json()) as T }
}

/** counter reads one sample of the registry, e.g. `vigil_ingest_rejected_total{reason="x"}`. */
export async function counter(t: TestApp, series: string): Promise<number> {
  const text = await t.metrics.registry.metrics()
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return Number(line?.split(' ').at(-1) ?? 0)
}

/** line builds a valid log line for `service`. */
export function line(service: string, message: string, extra: Record<string, unknown> = {}) {
  return { service, level: 'info', message, ...extra }
}
