/**
 * The HTTP observation middleware: counts and times every request by route template (never by
 * raw path, which would explode label cardinality) and writes one access log line.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { Logger } from './logger.ts'
import type { Metrics } from './metrics.ts'

/** unmatchedRoute labels requests that no route handled (404s for unknown paths). */
export const unmatchedRoute = 'unmatched'

// Probes and scrapes arrive every few seconds; their access lines go to debug.
const quietRoutes = new Set(['/healthz', '/readyz', '/metrics', '/static/:file'])

/** routeLabel returns the template of the route that answered (the last one dispatched), or `unmatched`. */
export function routeLabel(c: Context): string {
  if (c.get('unmatched' as never)) return unmatchedRoute
  const path = routePath(c)
  return path === '' || path === '*' || path === '/*' ? unmatchedRoute : path
}

/** observeHttp records `vigil_http_*` metrics and logs each request. */
export function observeHttp(metrics: Metrics, logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now()
    try {
      await next()
    } finally {
      const seconds = (performance.now() - start) / 1000
      const route = routeLabel(c)
      const status = String(c.res.status)
      metrics.httpRequests.inc({ method: c.req.method, route, status })
      metrics.httpDuration.observe({ method: c.req.method, route }, seconds)
      const fields = {
        request_id: c.get('requestId' as never),
        method: c.req.method,
        route,
        status: c.res.status,
        duration_ms: Math.round(seconds * 1e6) / 1000,
      }
      if (quietRoutes.has(route)) logger.debug('request', fields)
      else logger.info('request', fields)
    }
  }
}
