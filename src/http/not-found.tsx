/** @jsxImportSource hono/jsx */
/** The 404 for paths no route handles: JSON for API clients, a page for browsers. */
import type { Context } from 'hono'
import { NotFoundPage } from '../../views/pages/not-found.tsx'
import type { AppEnv } from '../app-env.ts'
import { renderPage } from '../dashboard/render.tsx'
import { errorBody } from './errors.ts'

/** notFound is the app's `notFound` handler. */
export function notFound(c: Context<AppEnv>) {
  c.set('unmatched', true)
  const wantsHtml = c.req.header('accept')?.includes('text/html') ?? false
  if (c.req.path.startsWith('/api/') || !wantsHtml || c.req.method !== 'GET') {
    return c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404)
  }
  return renderPage(
    c,
    { title: 'Not found', active: '', content: <NotFoundPage path={c.req.path} /> },
    404,
  )
}
