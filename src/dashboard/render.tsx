/** @jsxImportSource hono/jsx */
/** Rendering helpers shared by every dashboard route. */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import { Layout } from '../../views/layout.tsx'
import type { AppEnv } from '../app-env.ts'
import { VERSION } from '../version.ts'
import { sections } from './sections.ts'

/**
 * renderPage returns the whole page, or only the content when htmx asks (`HX-Request`), so that
 * navigation by htmx swaps just `main`.
 */
export function renderPage(
  c: Context<AppEnv>,
  page: { title: string; active: string; content: Child },
  status: 200 | 404 = 200,
) {
  if (c.req.header('hx-request') === 'true') return c.html(<>{page.content}</>, status)
  return c.html(
    '<!doctype html>' +
      (
        <Layout title={page.title} active={page.active} sections={sections} version={VERSION}>
          {page.content}
        </Layout>
      ).toString(),
    status,
  )
}
