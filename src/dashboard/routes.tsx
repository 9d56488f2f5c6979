/** @jsxImportSource hono/jsx */
/** The dashboard's pages and partials. */
import { Hono } from 'hono'
import { NotFoundPage } from '../../views/pages/not-found.tsx'
import { OverviewPage } from '../../views/pages/overview.tsx'
import { UpcomingPage } from '../../views/pages/upcoming.tsx'
import { OverviewPanel } from '../../views/partials/overview-panel.tsx'
import type { AppEnv } from '../app-env.ts'
import { overview } from '../system/index.ts'
import { renderPage } from './render.tsx'
import { findSection } from './sections.ts'

async function currentOverview(c: { var: AppEnv['Variables'] }) {
  const { db, metrics, startedAt, now } = c.var.deps
  return overview(db, metrics, startedAt, now())
}

/** dashboardRoutes is mounted at the root of the app. */
export const dashboardRoutes = new Hono<AppEnv>()
  .get('/', async (c) =>
    renderPage(c, {
      title: 'Overview',
      active: 'overview',
      content: <OverviewPage overview={await currentOverview(c)} />,
    }),
  )
  .get('/partials/overview', async (c) =>
    c.html(<OverviewPanel overview={await currentOverview(c)} />),
  )
  .get('/dashboard/:section', (c) => {
    const section = findSection(c.req.param('section'))
    if (!section || !section.upcoming) {
      return renderPage(
        c,
        { title: 'Not found', active: '', content: <NotFoundPage path={c.req.path} /> },
        404,
      )
    }
    return renderPage(c, {
      title: section.title,
      active: section.id,
      content: <UpcomingPage section={section} />,
    })
  })
