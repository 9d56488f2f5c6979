/**
 * createApp builds the Hono app from its dependencies. It never listens and never touches
 * signals, so tests drive it through `app.request()` and the serve command embeds it.
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AppDeps, AppEnv } from './app-env.ts'
import { anomalyRoutes } from './anomaly/routes.ts'
import { anomaliesPageRoutes } from './anomaly/page.tsx'
import { driftRoutes } from './drift/routes.ts'
import { driftPageRoutes } from './drift/page.tsx'
import { channelsPageRoutes } from './notify/page.tsx'
import { auditRoutes } from './audit/routes.tsx'
import { adminRoutes } from './auth/admin-routes.ts'
import { auditStateChanges, authorize } from './auth/middleware.ts'
import { authRoutes } from './auth/routes.tsx'
import { settingsRoutes } from './auth/settings-routes.tsx'
import { dashboardRoutes } from './dashboard/routes.tsx'
import { eventsRoutes } from './events/index.ts'
import { eventsPageRoutes } from './events/page.tsx'
import { plainRoutes } from './ingest/routes.ts'
import { policyRoutes } from './policy/index.ts'
import { policiesPageRoutes } from './policy/page.tsx'
import { accessRoutes } from './remediation/access-routes.ts'
import { logsRoutes, streamRoutes } from './logs/index.ts'
import { logsPageRoutes } from './logs/page.tsx'
import { metricsPageRoutes } from './metrics/page.tsx'
import { promApiRoutes } from './metrics/prom-api.ts'
import { metricsRoutes } from './metrics/routes.ts'
import { PayloadTooLargeError } from './errors.ts'
import { handleError } from './http/errors.ts'
import { notFound } from './http/not-found.tsx'
import { notifyRoutes } from './notify/index.ts'
import {
  incidentPageRoutes,
  incidentRoutes,
  incidentStreamRoutes,
  silencesPageRoutes,
} from './incidents/index.ts'
import {
  remediationPageRoutes,
  remediationRoutes,
  remediationStreamRoutes,
} from './remediation/index.ts'
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

  // Audit wraps authorize so that refused state changes are recorded too.
  app.use(auditStateChanges())
  app.use(authorize())

  app.route('/', systemRoutes)
  app.route('/static', staticRoutes)
  app.route('/', authRoutes)
  app.route('/', adminRoutes)
  app.route('/', auditRoutes)
  app.route('/', settingsRoutes)
  app.route('/', metricsRoutes)
  app.route('/', logsRoutes)
  app.route('/', streamRoutes)
  app.route('/', eventsRoutes)
  app.route('/', anomalyRoutes)
  app.route('/', driftRoutes)
  app.route('/', notifyRoutes)
  app.route('/', incidentRoutes)
  app.route('/', remediationRoutes)
  app.route('/', plainRoutes)
  app.route('/', metricsPageRoutes)
  app.route('/', logsPageRoutes)
  app.route('/', eventsPageRoutes)
  app.route('/', anomaliesPageRoutes)
  app.route('/', driftPageRoutes)
  app.route('/', channelsPageRoutes)
  app.route('/', policyRoutes)
  app.route('/', policiesPageRoutes)
  app.route('/', accessRoutes)
  app.route('/', incidentStreamRoutes)
  app.route('/', incidentPageRoutes)
  app.route('/', silencesPageRoutes)
  app.route('/', remediationStreamRoutes)
  app.route('/', remediationPageRoutes)
  app.route('/prometheus/api/v1', promApiRoutes)
  app.route('/', dashboardRoutes)

  app.notFound(notFound)
  app.onError(handleError(deps.logger))
  return app
}
