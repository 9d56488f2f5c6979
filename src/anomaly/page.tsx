/** @jsxImportSource hono/jsx */
/**
 * The Anomalies page route: one bounded page of 100 anomalies per request. "Load older" asks with
 * `HX-Request` and a cursor and gets only the next items.
 */
import { Hono } from 'hono'
import { AnomaliesPage, anomaliesUrl, type AnomaliesView } from '../../views/pages/anomalies.tsx'
import { AnomalyItems } from '../../views/partials/anomaly-items.tsx'
import { rangePresets } from '../../views/partials/range-select.tsx'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { renderPage } from '../dashboard/render.tsx'
import { ValidationError } from '../errors.ts'
import { parse } from '../metrics/promql/parser.ts'
import type { Matcher } from '../metrics/types.ts'
import { parseDuration } from '../units.ts'
import { severities } from './severity.ts'
import type { StoredAnomaly } from './store.ts'
import { pageWindow } from '../http/page-cursor.ts'

const pageSize = 100

function seriesMatchers(text: string): Matcher[] | undefined {
  if (!text) return undefined
  let expr
  try {
    expr = parse(text)
  } catch (err) {
    throw new ValidationError(`series: ${(err as Error).message}`)
  }
  if (expr.kind !== 'vectorSelector')
    throw new ValidationError('series: must be a series selector such as cpu{host="a"}')
  return expr.matchers
}

/** anomaliesPageRoutes is mounted at the root of the app. */
export const anomaliesPageRoutes = new Hono<AppEnv>().get(
  '/dashboard/anomalies',
  requires('anomalies:read'),
  async (c) => {
    const q = c.req.query()
    const severity = severities.find((s) => s === q.severity)
    const view: AnomaliesView = {
      series: (q.series ?? '').trim().slice(0, 1000),
      severity: severity ?? '',
      since: rangePresets.find((r) => r === q.since) ?? '24h',
    }
    const { start: since, cursor } = pageWindow(
      q,
      parseDuration(view.since) ?? 86_400_000,
      c.var.deps.now(),
    )
    const { anomalies } = c.var.deps
    let page: { anomalies: StoredAnomaly[]; next_cursor: string | null } = {
      anomalies: [],
      next_cursor: null,
    }
    let error: string | undefined
    try {
      page = await anomalies.query({
        series: seriesMatchers(view.series),
        minSeverity: severity,
        since,
        limit: pageSize,
        cursor,
      })
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err
      error = err.message
    }
    await auditRead(c, 'anomalies.query', {
      series: view.series || undefined,
      severity,
      since,
      returned: page.anomalies.length,
      via: 'dashboard',
    })
    const status = error ? 400 : 200
    const nextUrl = page.next_cursor
      ? anomaliesUrl(view, { start: String(since), cursor: page.next_cursor })
      : undefined
    if (c.req.header('hx-request') === 'true' && cursor !== undefined) {
      return c.html(
        <AnomalyItems anomalies={page.anomalies} nextUrl={nextUrl} error={error} />,
        status,
      )
    }
    return renderPage(
      c,
      {
        title: 'Anomalies',
        active: 'anomalies',
        content: (
          <AnomaliesPage
            view={view}
            anomalies={page.anomalies}
            nextUrl={nextUrl}
            error={error}
            status={{ enabled: anomalies.options.enabled, series: anomalies.series }}
          />
        ),
      },
      status,
    )
  },
)
