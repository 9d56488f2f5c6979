/** The Hono environment shared by every sub-app: the dependencies and per-request variables. */
import type { AnomalyService } from './anomaly/service.ts'
import type { Bus } from './bus.ts'
import type { DriftScanner } from './drift/scanner.ts'
import type { EventsService } from './events/service.ts'
import type { LogsMetrics } from './logs/metrics.ts'
import type { LogsService } from './logs/service.ts'
import type { Upgrader } from './runtime/index.ts'
import type { AuditStore } from './audit/store.ts'
import type { Auth } from './auth/service.ts'
import type { Principal } from './auth/types.ts'
import type { Config } from './config.ts'
import type { Database } from './db/client.ts'
import type { MetricsEngine } from './metrics/engine.ts'
import type { EngineMetrics } from './metrics/metrics.ts'
import type { Logger } from './obs/logger.ts'
import type { Metrics } from './obs/metrics.ts'
import type { PolicyService } from './policy/service.ts'
import type { Notifier } from './notify/notifier.ts'
import type { IncidentService } from './incidents/service.ts'
import type { SilenceService } from './incidents/silences.ts'
import type { Lifecycle } from './system/status.ts'
import type { Remediation } from './remediation/index.ts'

/** AppDeps is everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  config: Config
  db: Database
  logger: Logger
  metrics: Metrics
  lifecycle: Lifecycle
  auth: Auth
  audit: AuditStore
  metricsEngine: MetricsEngine
  metricsReport: EngineMetrics
  bus: Bus
  logs: LogsService
  logsReport: LogsMetrics
  events: EventsService
  anomalies: AnomalyService
  drift: DriftScanner
  policies: PolicyService
  notifier: Notifier
  incidents: IncidentService
  silences: SilenceService
  remediation: Remediation
  startedAt: number
  now: () => number
}

/** AppEnv types `c.var` in every route. */
export interface AppEnv {
  Bindings: { remoteAddress?: string | undefined; upgrade?: Upgrader | undefined }
  Variables: {
    deps: AppDeps
    requestId: string
    unmatched?: boolean
    principal?: Principal
    /** Set once a handler has written its own audit record for this request. */
    audited?: boolean
  }
}
