/**
 * What `vigil serve` runs: opens and migrates the database, serves the API, /metrics and the dashboard on
 * one port, and on SIGTERM/SIGINT stops accepting, drains in-flight requests and closes the database.
 */
import { createApp } from '../app.ts'
import { createAuditStore } from '../audit/store.ts'
import { ensureAdmin } from '../auth/bootstrap.ts'
import { createAuth } from '../auth/service.ts'
import { redactedConfig, type Config } from '../config.ts'
import { filePath, openDatabase, redactUrl, type Database } from '../db/client.ts'
import { clientWriter, workerWriter } from '../db/writer.ts'
import { migrate } from '../db/migrate.ts'
import type { Logger } from '../obs/logger.ts'
import { Bus } from '../bus.ts'
import { eventsTask } from '../events/index.ts'
import { runRecordTasks } from '../ingest/runner.ts'
import { logsTask } from '../logs/index.ts'
import { createMetrics } from '../obs/metrics.ts'
import { PolicyFileLoader } from '../policy/index.ts'
import { RuleEvaluator } from '../alerting/index.ts'
import { connectCluster } from '../k8s/index.ts'
import type { Cluster } from '../k8s/types.ts'
import { leaderKind, leadershipFor, newIdentity } from '../leader/index.ts'
import { buildServices } from '../services.ts'
import { runtime, serve, type Server } from '../runtime/index.ts'
import type { Lifecycle } from '../system/index.ts'
import { VERSION } from '../version.ts'

/** Running is a started vigil: stop it with `shutdown`. */
export interface Running {
  server: Server
  db: Database
  logger: Logger
  shutdown(reason: string): Promise<void>
}

/** start brings vigil up and returns once it is listening. */
export async function start(
  config: Config,
  logger: Logger,
  out: (text: string) => void = (text) => void process.stdout.write(text),
): Promise<Running> {
  const startedAt = Date.now()
  logger.info('starting', {
    version: VERSION,
    runtime: `${runtime.name} ${runtime.version}`,
    compiled: runtime.compiled,
    config: redactedConfig(config),
  })
  const db = await openDatabase(config.dbUrl, config.dbAuthToken)
  const applied = await migrate(db.client)
  if (applied.length > 0) logger.info('migrations applied', { migrations: applied })

  const now = Date.now
  const auth = createAuth(db, now)
  const audit = createAuditStore(db.client, now)
  const first = await ensureAdmin(auth, audit, config.adminPassword)
  if (first.created)
    logger.info('created user admin', {
      password_from: first.generatedPassword ? 'generated' : 'VIGIL_ADMIN_PASSWORD',
    })
  if (first.generatedPassword) {
    // Printed once, on stdout only (never through the logger, so never into VIGIL_LOG_FILE).
    out(
      `\nvigil: created user "admin" with password: ${first.generatedPassword}\n` +
        'vigil: it is shown only this once; sign in and change it, or set VIGIL_ADMIN_PASSWORD on first start.\n\n',
    )
  }

  const lifecycle: Lifecycle = { draining: false }
  const metrics = createMetrics()
  const bus = new Bus((topic, err) => logger.error('bus subscriber failed', { topic, err }))
  // The WAL movers and retention write on a Worker with its own connection (an embedded file
  // under Bun), so indexing does not hold up requests on this thread.
  const writer =
    db.embedded && filePath(config.dbUrl) !== ':memory:' && runtime.name === 'bun'
      ? workerWriter(config.dbUrl)
      : clientWriter(db.client)
  // One cluster connection, made on first use, for drift, remediation and leader election.
  let clusterConnection: Promise<Cluster> | undefined
  const cluster = () =>
    (clusterConnection ??= connectCluster(config.kube).catch((err: unknown) => {
      clusterConnection = undefined
      throw err
    }))
  const kubeLease =
    leaderKind(config.leader.election, config.kube.env) === 'kubernetes'
      ? await cluster()
      : undefined
  const leadership = leadershipFor(config.leader, config.kube.env, {
    client: db.client,
    cluster: kubeLease,
    registry: metrics.registry,
    logger,
  })
  const services = await buildServices({
    config,
    db,
    logger,
    metrics,
    audit,
    bus,
    now,
    cluster,
    leader: leadership,
    identity: newIdentity(),
    writer,
  })
  const { metricsEngine, logs, events, anomalies, policies, drift, notifier, incidents } = services
  const remediation = services.remediation
  const policyFiles = new PolicyFileLoader(policies, audit, logger, config.policy.paths, now)
  // Invalid policy files are reported (log, /ui/policies) and do not stop the server. Loading
  // with no paths still runs: it removes file policies whose paths are no longer configured.
  await policyFiles.load()
  const alerting = new RuleEvaluator({
    policies,
    engine: metricsEngine,
    logs,
    anomalies,
    db,
    bus,
    sink: incidents,
    now,
    logger,
    registry: metrics.registry,
    intervalMs: config.alerting.intervalMs,
  })
  const loops = new AbortController()
  const background = Promise.all([
    drift.run(loops.signal),
    alerting.run(loops.signal),
    policyFiles.run(loops.signal, config.policy.reloadIntervalMs),
    metricsEngine.run(loops.signal),
    anomalies.run(loops.signal),
    notifier.run(loops.signal),
    leadership.run(loops.signal),
    remediation.run(loops.signal),
    runRecordTasks(
      [logsTask(logs, metricsEngine), eventsTask(events, metricsEngine)],
      loops.signal,
      logger,
      now,
    ),
  ])
  const app = createApp({
    ...services,
    config,
    db,
    logger,
    metrics,
    lifecycle,
    auth,
    audit,
    bus,
    startedAt,
    now,
  })

  let server: Server
  try {
    server = serve({
      port: config.port,
      hostname: config.listen,
      fetch: app.fetch,
      // The listener lets a little more through so the app answers 413 in our error shape.
      maxRequestBodySize: config.bodyLimit * 2,
    })
  } catch (err) {
    await writer.close()
    db.close()
    const inUse = /EADDRINUSE|in use/i.test(String(err))
    throw new Error(
      inUse
        ? `cannot listen on ${config.listen}:${config.port}: the port is in use (set VIGIL_PORT or --port)`
        : `cannot listen on ${config.listen}:${config.port}: ${(err as Error).message}`,
      { cause: err },
    )
  }
  logger.info('listening', {
    url: `http://${config.listen.includes(':') ? `[${config.listen}]` : config.listen}:${server.port}`,
    port: server.port,
    database: redactUrl(config.dbUrl),
    startup_ms: Date.now() - startedAt,
  })

  let stopping: Promise<void> | undefined
  const shutdown = (reason: string) => {
    stopping ??= (async () => {
      lifecycle.draining = true
      logger.info('shutting down', { reason, timeout_ms: config.shutdownTimeoutMs })
      // Live tails never end on their own: close them so the drain below does not wait for them.
      logs.closeTails()
      incidents.closeStreams()
      const drained = await within(server.stop(), config.shutdownTimeoutMs)
      if (!drained) logger.warn('in-flight requests did not finish in time; closing anyway')
      loops.abort()
      await within(
        Promise.all([background, metricsEngine.close(), logs.close(), events.close()]).then(
          () => undefined,
        ),
        10_000,
      )
      await writer.close()
      db.close()
      logger.info('stopped', { uptime_ms: Date.now() - startedAt })
    })()
    return stopping
  }
  return { server, db, logger, shutdown }
}

async function within(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([work.then(() => true as const), timeout])
  } finally {
    clearTimeout(timer)
  }
}
