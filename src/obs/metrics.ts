/**
 * The one Prometheus registry of the process: process metrics, `vigil_build_info` and the HTTP
 * metrics. Each domain registers its own `vigil_<domain>_...` metrics on `registry`.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { runtime } from '../runtime/index.ts'
import { VERSION } from '../version.ts'
import { registerProcessMetrics } from './process-metrics.ts'

/** Metrics is the registry with the metrics shared by every request. */
export interface Metrics {
  registry: Registry
  httpRequests: Counter<'method' | 'route' | 'status'>
  httpDuration: Histogram<'method' | 'route'>
}

/** createMetrics builds a fresh registry (one per app, so tests can build many). */
export function createMetrics(): Metrics {
  const registry = new Registry()
  registerProcessMetrics(registry)
  const buildInfo = new Gauge({
    name: 'vigil_build_info',
    help: 'Always 1; labels say which vigil build and runtime are running.',
    labelNames: ['version', 'runtime', 'runtime_version'],
    registers: [registry],
  })
  buildInfo.set({ version: VERSION, runtime: runtime.name, runtime_version: runtime.version }, 1)
  return {
    registry,
    httpRequests: new Counter({
      name: 'vigil_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'vigil_http_request_duration_seconds',
      help: 'Time from request to response headers, by method and route template.',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  }
}

/** requestsServed sums `vigil_http_requests_total` over every label set. */
export async function requestsServed(metrics: Metrics): Promise<number> {
  const { values } = await metrics.httpRequests.get()
  return values.reduce((sum, v) => sum + v.value, 0)
}
