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
import { createMetrics, type Metrics } from '../../src/obs/metrics.ts'
import type { Lifecycle } from '../../src/system/index.ts'
import { Bus } from '../../src/bus.ts'
import type { Cluster } from '../../src/k8s/types.ts'
import { buildServices, type Services } from '../../src/services.ts'

/** TestApp is an app with everything a test wants to look at. */
export interface TestApp extends Services {
  app: ReturnType<typeof createApp>
  db: Database
  config: Config
  metrics: Metrics
  logger: Logger
  lines: Record<string, unknown>[]
  lifecycle: Lifecycle
  auth: Auth
  audit: AuditStore
  /** The metrics engine (also `metricsEngine`). */
  engine: Services['metricsEngine']
  bus: Bus
  /** An Authorization header with every permission, for tests that are not about access. */
  headers: Record<string, string>
  dir: string
  close(): void
}

/** tempDir makes a fresh temporary directory. */
export function tempDir(prefix = 'vigil-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** makeApp builds an app over a fresh, migrated database. */
export async function makeApp(
  options: {
    env?: Record<string, string>
    now?: () => number
    /** connect gives drift and remediation their cluster (default: none, every use fails). */
    connect?: () => Promise<Cluster>
  } = {},
): Promise<TestApp> {
  const dir = tempDir()
  const config = loadConfig({}, { VIGIL_DATA_DIR: dir, ...options.env })
  const db = await openDatabase(config.dbUrl)
  await migrate(db.client)
  const lines: Record<string, unknown>[] = []
  const logger = createLogger('debug', [(line) => lines.push(JSON.parse(line))])
  const metrics = createMetrics()
  const lifecycle: Lifecycle = { draining: false }
  const now = options.now ?? Date.now
  // Cheap scrypt keeps the suite fast; the OWASP parameters have their own test.
  const auth = createAuth(db, now, { N: 1024, r: 8, p: 1 })
  const audit = createAuditStore(db.client, now)
  const bus = new Bus()
  const services = await buildServices({
    config,
    db,
    logger,
    metrics,
    audit,
    bus,
    now,
    cluster: options.connect ?? (() => Promise.reject(new Error('no cluster in this test'))),
    leader: { isLeader: () => true, confirm: async () => true },
    identity: 'test',
  })
  const app = createApp({
    ...services,
    auth,
    audit,
    config,
    db,
    logger,
    metrics,
    lifecycle,
    bus,
    startedAt: now() - 3_723_000,
    now,
  })
  const { token } = await auth.tokens.create({
    name: 'test-all',
    scopes: [...permissions],
    createdBy: 'test',
  })
  return {
    ...services,
    engine: services.metricsEngine,
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
    bus,
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
