/** The routes every probe and scraper uses: `/healthz`, `/readyz`, `/metrics`. */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { checkReadiness } from './status.ts'

/** systemRoutes is mounted at the root of the app. */
export const systemRoutes = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/readyz', async (c) => {
    const readiness = await checkReadiness(c.var.deps.db, c.var.deps.lifecycle)
    return c.json(
      { status: readiness.ready ? 'ready' : 'not_ready', checks: readiness.checks },
      readiness.ready ? 200 : 503,
    )
  })
  .get('/metrics', async (c) => {
    const { registry } = c.var.deps.metrics
    c.header('Content-Type', registry.contentType)
    c.header('Cache-Control', 'no-store')
    return c.body(await registry.metrics())
  })
