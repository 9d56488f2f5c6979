/** Builds an app over a fresh temporary libSQL file, with a logger that keeps its lines. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '../../src/app.ts'
import { createAuditStore, type AuditStore } from '../../src/audit/store.ts'
import { permissions } from '../../src/auth/permissions.ts'
import { createAuth, type Auth } from '../../src/auth/service.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { migrate } from '../../src/db/migrate.ts'
import { createLogger, type Logger } from '../../src/obs/logger.ts'
import { MetricsEngine } from '../../src/metrics/engine.ts'
import { registerMetricsMetrics } from '../../src/metrics/metrics.ts'
import { createMetrics, type Metrics } from '../../src/obs/metrics.ts'
import type { Lifecycle } from '../../src/system/index.ts'
import { Bus } from '../../src/bus.ts'
import { driftScanner } from '../../src/drift/server.ts'
import type { DriftScanner } from '../../src/drift/scanner.ts'
import type { ClusterReader } from '../../src/k8s/types.ts'
import { AnomalyService, serviceOptions } from '../../src/anomaly/service.ts'
import { registerDetectorMetrics } from '../../src/anomaly/metrics.ts'
import { EventsService, registerEventsMetrics } from '../../src/events/index.ts'
import { LogsService, registerLogsMetrics } from '../../src/logs/index.ts'
import { PolicyService } from '../../src/policy/index.ts'
import { createNotifier, type Notifier } from '../../src/notify/index.ts'
import { remediationFor } from '../../src/remediation/server.ts'
import type { Remediation } from '../../src/remediation/index.ts'
import type { Cluster } from '../../src/k8s/types.ts'
import {
  createIncidents,
  type IncidentService,
  type SilenceService,
} from '../../src/incidents/index.ts'

/** TestApp is an app with everything a test wants to look at. */
export interface TestApp {
  app: ReturnType<typeof createApp>
  db: Database
  config: Config
  metrics: Metrics
  logger: Logger
  lines: Record<string, unknown>[]
  lifecycle: Lifecycle
  auth: Auth
  audit: AuditStore
  engine: MetricsEngine
  bus: Bus
  logs: LogsService
  events: EventsService
  anomalies: AnomalyService
  drift: DriftScanner
  policies: PolicyService
  notifier: Notifier
  incidents: IncidentService
  silences: SilenceService
  remediation: Remediation
  /** An Authorization header with every permission, for tests that are not about access. */
  headers: Record<string, string>
  dir: string
  close(): void
}

/** tempDir makes a fresh temporary directory. */
export function tempDir(prefix = 'vigil-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** makeApp builds a migrated app; pass `migrated: false` for an empty database. */
export async function makeApp(
  options: {
    env?: Record<string, string>
    migrated?: boolean
    now?: () => number
    /** connect gives the drift scanner its cluster (default: none, every scan fails). */
    connect?: () => Promise<ClusterReader>
    /** cluster gives remediation its cluster (default: none, every action fails). */
    cluster?: () => Promise<Cluster>
  } = {},
): Promise<TestApp> {
  const dir = tempDir()
  const config = loadConfig({}, { VIGIL_DATA_DIR: dir, ...options.env })
  const db = await openDatabase(config.dbUrl)
  if (options.migrated !== false) await migrate(db.client)
  const lines: Record<string, unknown>[] = []
  const logger = createLogger('debug', [(line) => lines.push(JSON.parse(line))])
  const metrics = createMetrics()
  const lifecycle: Lifecycle = { draining: false }
  const now = options.now ?? Date.now
  // Cheap scrypt keeps the suite fast; the OWASP parameters have their own test.
  const auth = createAuth(db, now, { N: 1024, r: 8, p: 1 })
  const audit = createAuditStore(db.client, now)
  const metricsReport = registerMetricsMetrics(metrics.registry)
  const metricsEngine =
    options.migrated === false
      ? (undefined as unknown as MetricsEngine)
      : await MetricsEngine.open(db.client, config.metrics, now, logger, metricsReport)
  const bus = new Bus()
  const logsReport = registerLogsMetrics(metrics.registry)
  const unmigrated = options.migrated === false
  const logs = unmigrated
    ? (undefined as unknown as LogsService)
    : await LogsService.open(db.client, { ...config.logs }, now, bus, logsReport)
  const events = unmigrated
    ? (undefined as unknown as EventsService)
    : await EventsService.open(
        db.client,
        { retentionMs: config.events.retentionMs, maxBacklog: config.logs.maxBacklog },
        now,
        bus,
        registerEventsMetrics(metrics.registry),
      )
  const anomalies = unmigrated
    ? (undefined as unknown as AnomalyService)
    : new AnomalyService(
        db.client,
        metricsEngine,
        bus,
        serviceOptions(config),
        now,
        logger,
        registerDetectorMetrics(metrics.registry),
      )
  const policies = new PolicyService(db.client, now)
  const drift = driftScanner(
    config,
    db,
    now,
    logger,
    bus,
    metrics.registry,
    policies,
    options.connect ?? (() => Promise.reject(new Error('no cluster in this test'))),
  )
  const notifier = createNotifier(db.client, config, metrics.registry, logger, now)
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
    audit,
    bus,
    policies,
    incidents,
    registry: metrics.registry,
    logger,
    now,
    cluster: options.cluster ?? (() => Promise.reject(new Error('no cluster in this test'))),
    leader: { isLeader: () => true, confirm: async () => true },
    identity: 'test',
  })
  const app = createApp({
    remediation,
    incidents,
    silences,
    anomalies,
    drift,
    policies,
    notifier,
    bus,
    logs,
    logsReport,
    events,
    metricsEngine,
    metricsReport,
    auth,
    audit,
    config,
    db,
    logger,
    metrics,
    lifecycle,
    startedAt: (options.now ?? Date.now)() - 3_723_000,
    now,
  })
  const token =
    options.migrated === false
      ? 'vgl_unmigrated'
      : (
          await auth.tokens.create({
            name: 'test-all',
            scopes: [...permissions],
            createdBy: 'test',
          })
        ).token
  return {
    app,
    headers: { Authorization: `Bearer ${token}` },
    db,
    config,
    metrics,
    logger,
    lines,
    lifecycle,
    auth,
    audit,
    engine: metricsEngine,
    bus,
    logs,
    events,
    anomalies,
    drift,
    policies,
    notifier,
    incidents,
    silences,
    remediation,
    dir,
    close() {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** allowAllAccess stores an AccessPolicy that allows every action to everyone (remediation tests). */
export async function allowAllAccess(t: TestApp): Promise<void> {
  await t.policies.create(
    {
      apiVersion: 'vigil/v1',
      kind: 'AccessPolicy',
      metadata: { name: 'allow-all' },
      spec: {
        subjects: [{ role: '*' }, { token: '*' }, { policy: '*' }],
        actions: ['*'],
        resources: [{ kind: '*' }],
        effect: 'allow',
      },
    },
    { name: 'test', type: 'token' },
  )
}
