/** @jsxImportSource hono/jsx */
/** The Drift page route: one bounded page of 100 findings; "load older" gets only the next items. */
import { Hono } from 'hono'
import { DriftPage, driftUrl, type DriftView } from '../../views/pages/drift.tsx'
import { FindingItems } from '../../views/partials/finding-items.tsx'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { grants } from '../auth/permissions.ts'
import { renderPage } from '../dashboard/render.tsx'
import { ValidationError } from '../errors.ts'
import type { StoredFinding } from './findings-store.ts'
import { queryFindings } from './routes.ts'
import { severities } from './types.ts'

/** driftPageRoutes is mounted at the root of the app. */
export const driftPageRoutes = new Hono<AppEnv>().get(
  '/dashboard/drift',
  requires('drift:read'),
  async (c) => {
    const q = c.req.query()
    const pick = <T extends string>(v: string | undefined, allowed: readonly T[]) =>
      allowed.find((a) => a === v)
    const status = pick(q.status ?? 'open', ['open', 'resolved'] as const)
    const category = pick(q.category, ['drift', 'compliance'] as const)
    const severity = pick(q.severity, severities)
    const view: DriftView = {
      status: status ?? '',
      category: category ?? '',
      severity: severity ?? '',
      namespace: (q.namespace ?? '').trim().slice(0, 253),
    }
    const cursor = q.cursor ? q.cursor.slice(0, 100) : undefined
    let page: { findings: StoredFinding[]; next_cursor: string | null } = {
      findings: [],
      next_cursor: null,
    }
    let error: string | undefined
    try {
      page = await queryFindings(c, {
        status,
        category,
        severity,
        namespace: view.namespace || undefined,
        limit: 100,
        cursor,
      })
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err
      error = err.message
    }
    await auditRead(c, 'drift.query', { status, returned: page.findings.length, via: 'dashboard' })
    const nextUrl = page.next_cursor ? driftUrl(view, { cursor: page.next_cursor }) : undefined
    const code = error ? 400 : 200
    const proposeCsrf = grants(c.var.principal?.permissions ?? [], 'remediation:execute')
      ? (c.var.principal?.csrfToken ?? '')
      : undefined
    if (c.req.header('hx-request') === 'true' && cursor !== undefined) {
      return c.html(
        <FindingItems
          findings={page.findings}
          now={c.var.deps.now()}
          nextUrl={nextUrl}
          error={error}
          proposeCsrf={proposeCsrf}
        />,
        code,
      )
    }
    return renderPage(
      c,
      {
        title: 'Drift',
        active: 'drift',
        content: (
          <DriftPage
            view={view}
            scanner={c.var.deps.drift.status}
            findings={page.findings}
            now={c.var.deps.now()}
            nextUrl={nextUrl}
            error={error}
            proposeCsrf={proposeCsrf}
          />
        ),
      },
      code,
    )
  },
)
