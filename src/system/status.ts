/**
 * What vigil says about itself: liveness, readiness (database reachable and migrated, not
 * draining) and the overview figures shown on the dashboard.
 */
import type { Database } from '../db/client.ts'
import { migrationStatus } from '../db/migrate.ts'
import { requestsServed, type Metrics } from '../obs/metrics.ts'
import { runtime } from '../runtime/index.ts'
import { VERSION } from '../version.ts'

/** Lifecycle is shared state the server flips while it shuts down. */
export interface Lifecycle {
  draining: boolean
}

/** Readiness is the answer of `/readyz`: ready only when every check says ok. */
export interface Readiness {
  ready: boolean
  checks: Record<string, { ok: boolean; message: string }>
}

/** checkReadiness probes the database and its migrations. */
export async function checkReadiness(db: Database, lifecycle: Lifecycle): Promise<Readiness> {
  const checks: Readiness['checks'] = {}
  checks.lifecycle = lifecycle.draining
    ? { ok: false, message: 'shutting down' }
    : { ok: true, message: 'serving' }
  try {
    const status = await migrationStatus(db.client)
    checks.database = { ok: true, message: 'reachable' }
    checks.migrations =
      status.pending.length === 0
        ? { ok: true, message: `${status.applied} applied, latest ${status.latest}` }
        : { ok: false, message: `${status.pending.length} pending: run \`vigil migrate\`` }
  } catch (err) {
    checks.database = { ok: false, message: (err as Error).message }
  }
  return { ready: Object.values(checks).every((c) => c.ok), checks }
}

/** Overview is what the dashboard's Overview panel shows. */
export interface Overview {
  version: string
  runtime: string
  uptimeMs: number
  startedAt: number
  databaseBytes: number
  databaseKind: 'embedded' | 'remote'
  requestsServed: number
  generatedAt: number
}

/** overview gathers the Overview panel's figures at time `now`. */
export async function overview(
  db: Database,
  metrics: Metrics,
  startedAt: number,
  now: number,
): Promise<Overview> {
  return {
    version: VERSION,
    runtime: `${runtime.name} ${runtime.version}${runtime.compiled ? ' (compiled)' : ''}`,
    uptimeMs: now - startedAt,
    startedAt,
    databaseBytes: await db.sizeBytes(),
    databaseKind: db.embedded ? 'embedded' : 'remote',
    requestsServed: await requestsServed(metrics),
    generatedAt: now,
  }
}
