/**
 * createApp builds the Hono app from its dependencies. It never listens and never touches
 * signals, so tests drive it through `app.request()` and the serve command embeds it.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppDeps, AppEnv } from './app-env.ts'
import { dashboardRoutes } from './dashboard/routes.tsx'
import { PayloadTooLargeError } from './errors.ts'
import { handleError } from './http/errors.ts'
import { notFound } from './http/not-found.tsx'
import { securityHeaders } from './http/security-headers.ts'
import { staticRoutes } from './http/static.ts'
import { observeHttp } from './obs/http.ts'
import { requestId } from './obs/request-id.ts'
import { systemRoutes } from './system/index.ts'

export type { AppDeps, AppEnv } from './app-env.ts'

/** createApp wires middleware and every domain's routes. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use(requestId())
  app.use(async (c, next) => {
    c.set('deps', deps)
    await next()
  })
  app.use(observeHttp(deps.metrics, deps.logger))
  app.use(securityHeaders())
  app.use(
    bodyLimit({
      maxSize: deps.config.bodyLimit,
      onError: () => {
        throw new PayloadTooLargeError(
          `request body is larger than the limit of ${deps.config.bodyLimit} bytes (VIGIL_BODY_LIMIT)`,
        )
      },
    }),
  )

  app.route('/', systemRoutes)
  app.route('/static', staticRoutes)
  app.route('/', dashboardRoutes)

  app.notFound(notFound)
  app.onError(handleError(deps.logger))
  return app
}
