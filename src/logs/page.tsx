/** @jsxImportSource hono/jsx */
/**
 * The Logs page route. Every query it issues is bounded (one page of 100 lines, plus the services
 * summary), so it stays quick with millions of lines stored. "Load older" asks with `HX-Request`
 * and a cursor and gets only the next lines; a rejected search is shown on the form with a 400.
 */
import { Hono } from 'hono'
import { LogsPage } from '../../views/pages/logs.tsx'
import { rangePresets } from '../../views/partials/range-select.tsx'
import { LogLines } from '../../views/partials/log-lines.tsx'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { renderPage } from '../dashboard/render.tsx'
import { ValidationError } from '../errors.ts'
import { parseDuration } from '../units.ts'
import { highlightPattern } from './highlight.ts'
import { serviceParam } from './params.ts'
import { levels, type LogPage } from './types.ts'
import { logsUrl, type LogsView } from './view.ts'
import { pageWindow } from '../http/page-cursor.ts'

/** pageSize is how many lines one page shows. */
const pageSize = 100

/** logsPageRoutes is mounted at the root of the app. */
export const logsPageRoutes = new Hono<AppEnv>().get(
  '/dashboard/logs',
  requires('logs:read'),
  async (c) => {
    const q = c.req.query()
    const { logs, now } = c.var.deps
    const level = levels.find((l) => l === q.level)
    const view: LogsView = {
      service: (q.service ?? '').slice(0, 200),
      level: level ?? '',
      range: rangePresets.find((r) => r === q.range) ?? '1h',
      search: (q.search ?? '').slice(0, 1000),
    }
    const { start, cursor } = pageWindow(q, parseDuration(view.range) ?? 3_600_000, now())
    let page: LogPage | undefined
    let error: string | undefined
    if (view.service) {
      const service = serviceParam.safeParse(view.service)
      try {
        if (!service.success)
          throw new ValidationError(`service: ${service.error.issues[0]?.message}`)
        page = await logs.query({
          service: service.data,
          minLevel: level,
          start,
          search: view.search,
          limit: pageSize,
          cursor,
        })
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err
        error = err.message
      }
      await auditRead(c, 'logs.query', {
        service: view.service,
        level: view.level || undefined,
        search: view.search || undefined,
        start,
        cursor: cursor !== undefined,
        returned: page?.logs.length ?? 0,
        via: 'dashboard',
      })
    }
    const status = error ? 400 : 200
    const pattern = highlightPattern(view.search)
    const nextUrl = page?.next_cursor
      ? logsUrl(view, { start: String(start), cursor: page.next_cursor })
      : undefined
    if (c.req.header('hx-request') === 'true' && cursor !== undefined) {
      return c.html(
        <LogLines logs={page?.logs ?? []} pattern={pattern} nextUrl={nextUrl} error={error} />,
        status,
      )
    }
    const services = await logs.services()
    if (!view.service) await auditRead(c, 'logs.services', { via: 'dashboard' })
    const stream = new URLSearchParams()
    if (view.level) stream.set('level', view.level)
    if (view.search) stream.set('search', view.search)
    return renderPage(
      c,
      {
        title: view.service ? `Logs: ${view.service}` : 'Logs',
        active: 'logs',
        content: (
          <LogsPage
            view={view}
            services={services}
            now={now()}
            logs={page?.logs}
            pattern={pattern}
            nextUrl={nextUrl}
            error={error}
            streamUrl={`/api/v1/logs/${encodeURIComponent(view.service)}/stream?${stream}`}
          />
        ),
        assets: ['logs.js'],
      },
      status,
    )
  },
)
