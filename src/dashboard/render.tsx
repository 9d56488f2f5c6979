/** @jsxImportSource hono/jsx */
/** Rendering helpers shared by every dashboard route. */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import { Layout, type LayoutProps } from '../../views/layout.tsx'
import type { AppEnv } from '../app-env.ts'
import { VERSION } from '../version.ts'
import { visibleSections } from './sections.ts'

/**
 * renderPage returns the whole page, or only the content when htmx asks (`HX-Request`), so that
 * navigation by htmx swaps just `main`.
 */
export function renderPage(
  c: Context<AppEnv>,
  page: { title: string; active: string; content: Child; assets?: LayoutProps['assets'] },
  status: 200 | 400 | 401 | 404 | 409 | 422 | 429 = 200,
) {
  if (c.req.header('hx-request') === 'true') return c.html(<>{page.content}</>, status)
  const principal = c.var.principal
  return c.html(
    '<!doctype html>' +
      (
        <Layout
          title={page.title}
          active={page.active}
          sections={visibleSections(principal?.permissions ?? [])}
          version={VERSION}
          user={principal ? { name: principal.name, role: principal.role ?? 'token' } : undefined}
          csrfToken={principal?.csrfToken}
          remediationMode={principal ? c.var.deps.config.remediation.mode : undefined}
          assets={page.assets}
        >
          {page.content}
        </Layout>
      ).toString(),
    status,
  )
}
