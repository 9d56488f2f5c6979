/** The Hono environment shared by every sub-app: the dependencies and per-request variables. */
import type { Config } from './config.ts'
import type { Database } from './db/client.ts'
import type { Logger } from './obs/logger.ts'
import type { Metrics } from './obs/metrics.ts'
import type { Lifecycle } from './system/status.ts'

/** AppDeps is everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  config: Config
  db: Database
  logger: Logger
  metrics: Metrics
  lifecycle: Lifecycle
  startedAt: number
  now: () => number
}

/** AppEnv types `c.var` in every route. */
export interface AppEnv {
  Variables: { deps: AppDeps; requestId: string; unmatched?: boolean }
}
