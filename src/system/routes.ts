/** The routes every probe and scraper uses: `/healthz`, `/readyz`, `/metrics`. */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { requires } from '../auth/guard.ts'
import { constantTimeEqual } from '../auth/secrets.ts'
import { UnauthorizedError } from '../errors.ts'
import { checkReadiness } from './status.ts'

/** systemRoutes is mounted at the root of the app. */
export const systemRoutes = new Hono<AppEnv>()
  .get('/healthz', requires('public'), (c) => c.json({ status: 'ok' }))
  .get('/readyz', requires('public'), async (c) => {
    const readiness = await checkReadiness(c.var.deps.db, c.var.deps.lifecycle)
    return c.json(
      { status: readiness.ready ? 'ready' : 'not_ready', checks: readiness.checks },
      readiness.ready ? 200 : 503,
    )
  })
  // Open unless VIGIL_METRICS_TOKEN is set; then Prometheus sends it as a bearer token.
  .get('/metrics', requires('public'), async (c) => {
    const expected = c.var.deps.config.metricsToken
    if (expected) {
      const sent = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
      if (!sent || !constantTimeEqual(sent, expected)) {
        throw new UnauthorizedError('/metrics needs Authorization: Bearer <VIGIL_METRICS_TOKEN>')
      }
    }
    const { registry } = c.var.deps.metrics
    c.header('Content-Type', registry.contentType)
    c.header('Cache-Control', 'no-store')
    return c.body(await registry.metrics())
  })
