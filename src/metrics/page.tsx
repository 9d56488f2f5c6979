/** @jsxImportSource hono/jsx */
/** The Metrics page route: the state comes from the URL so that views can be shared. */
import { Hono } from 'hono'
import { MetricsPage, refreshPresets } from '../../views/pages/metrics.tsx'
import { rangePresets } from '../../views/partials/range-select.tsx'
import type { AppEnv } from '../app-env.ts'
import { requires } from '../auth/guard.ts'
import { renderPage } from '../dashboard/render.tsx'

function pick<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback
}

/** metricsPageRoutes is mounted at the root of the app. */
export const metricsPageRoutes = new Hono<AppEnv>().get(
  '/dashboard/metrics',
  requires('metrics:read'),
  (c) => {
    const q = c.req.query()
    const view = {
      query: (q.query || q.metric || '').slice(0, 10_000),
      range: pick(q.range, rangePresets, '1h'),
      refresh: pick(q.refresh, refreshPresets, 'off'),
    }
    return renderPage(c, {
      title: 'Metrics',
      active: 'metrics',
      content: (
        <MetricsPage view={view} names={c.var.deps.metricsEngine.index.labelValues('__name__')} />
      ),
      assets: ['uPlot.min.css', 'uPlot.iife.min.js', 'overlay.js', 'metrics.js'],
    })
  },
)
