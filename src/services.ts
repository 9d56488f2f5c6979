/**
 * buildServices wires every domain service over one migrated database: the metrics engine, logs,
 * events, the anomaly detector, policies, drift, notifications, incidents and remediation. The
 * serve command and the tests' app both build through it, so they run the same wiring; each
 * passes what differs (the clock, the cluster, leadership, the write worker).
 */
import type { AuditStore } from './audit/store.ts'
import { AnomalyService, serviceOptions } from './anomaly/service.ts'
import { registerDetectorMetrics } from './anomaly/metrics.ts'
import type { Bus } from './bus.ts'
import type { Config } from './config.ts'
import type { Database } from './db/client.ts'
import { clientWriter, type Writer } from './db/writer.ts'
import { driftScanner } from './drift/server.ts'
import type { DriftScanner } from './drift/scanner.ts'
import { EventsService, registerEventsMetrics } from './events/index.ts'
import { createIncidents, type IncidentService, type SilenceService } from './incidents/index.ts'
import { recordRejectReasons } from './ingest/record.ts'
import type { Cluster } from './k8s/types.ts'
import { LogsService, registerLogsMetrics } from './logs/index.ts'
import type { LogsMetrics } from './logs/metrics.ts'
import { MetricsEngine } from './metrics/engine.ts'
import { registerMetricsMetrics, type EngineMetrics } from './metrics/metrics.ts'
import { createNotifier, type Notifier } from './notify/index.ts'
import type { Logger } from './obs/logger.ts'
import type { Metrics } from './obs/metrics.ts'
import { PolicyService } from './policy/index.ts'
import type { Leader } from './remediation/executor.ts'
import type { Remediation } from './remediation/index.ts'
import { remediationFor } from './remediation/server.ts'

/** ServiceInputs are what the caller owns and passes in. */
export interface ServiceInputs {
  config: Config
  db: Database
  logger: Logger
  metrics: Metrics
  audit: AuditStore
  bus: Bus
  now: () => number
  /** cluster connects to the cluster (once) for drift and remediation. */
  cluster: () => Promise<Cluster>
  leader: Leader
  identity: string
  /** Where the WAL movers and retention write (default: the client itself). */
  writer?: Writer
}

/** Services are the domain services every route and loop uses. */
export interface Services {
  metricsEngine: MetricsEngine
  metricsReport: EngineMetrics
  logsReport: LogsMetrics
  logs: LogsService
  events: EventsService
  anomalies: AnomalyService
  policies: PolicyService
  drift: DriftScanner
  notifier: Notifier
  incidents: IncidentService
  silences: SilenceService
  remediation: Remediation
}

/** buildServices opens and wires the domain services. */
export async function buildServices(i: ServiceInputs): Promise<Services> {
  const { config, db, logger, metrics, bus, now } = i
  const writer = i.writer ?? clientWriter(db.client)
  const metricsReport = registerMetricsMetrics(metrics.registry)
  const metricsEngine = await MetricsEngine.open(
    db.client,
    config.metrics,
    now,
    logger,
    metricsReport,
    () => db.releaseFreePages(),
  )
  metricsReport.watchHead(() => metricsEngine.headSamples)
  for (const reason of recordRejectReasons) metricsReport.rejected(reason, 0)
  const logsReport = registerLogsMetrics(metrics.registry)
  const logs = await LogsService.open(db.client, { ...config.logs }, now, bus, logsReport, writer)
  const events = await EventsService.open(
    db.client,
    { retentionMs: config.events.retentionMs, maxBacklog: config.logs.maxBacklog },
    now,
    bus,
    registerEventsMetrics(metrics.registry),
    writer,
  )
  const anomalies = new AnomalyService(
    db.client,
    metricsEngine,
    bus,
    serviceOptions(config),
    now,
    logger,
    registerDetectorMetrics(metrics.registry),
  )
  const policies = new PolicyService(db.client, now)
  const drift = driftScanner(config, db, now, logger, bus, metrics.registry, policies, i.cluster)
  const notifier = createNotifier(db.client, config, metrics.registry, logger, now)
  // The rule evaluator hands its alerts to `incidents` (an AlertSink).
  const { incidents, silences } = createIncidents(
    db.client,
    config,
    notifier,
    bus,
    now,
    logger,
    metrics.registry,
  )
  const remediation = remediationFor(config, {
    db,
    audit: i.audit,
    bus,
    policies,
    incidents,
    registry: metrics.registry,
    logger,
    now,
    cluster: i.cluster,
    leader: i.leader,
    identity: i.identity,
  })
  return {
    metricsEngine,
    metricsReport,
    logsReport,
    logs,
    events,
    anomalies,
    policies,
    drift,
    notifier,
    incidents,
    silences,
    remediation,
  }
}
