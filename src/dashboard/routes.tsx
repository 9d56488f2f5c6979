/** @jsxImportSource hono/jsx */
/** The dashboard's pages and partials; each declares the permission it needs. */
import { Hono } from 'hono'
import { OverviewPage } from '../../views/pages/overview.tsx'
import { UpcomingPage } from '../../views/pages/upcoming.tsx'
import { OverviewPanel } from '../../views/partials/overview-panel.tsx'
import type { AppEnv } from '../app-env.ts'
import { requires } from '../auth/guard.ts'
import { overview } from '../system/index.ts'
import { renderPage } from './render.tsx'
import { sections } from './sections.ts'

async function currentOverview(c: { var: AppEnv['Variables'] }) {
  const { db, metrics, startedAt, now } = c.var.deps
  return overview(db, metrics, startedAt, now())
}

/** dashboardRoutes is mounted at the root of the app. */
export const dashboardRoutes = new Hono<AppEnv>()
  .get('/', requires('dashboards:read'), async (c) =>
    renderPage(c, {
      title: 'Overview',
      active: 'overview',
      content: <OverviewPage overview={await currentOverview(c)} />,
    }),
  )
  .get('/partials/overview', requires('dashboards:read'), async (c) =>
    c.html(<OverviewPanel overview={await currentOverview(c)} />),
  )

// Pages of sections not built yet: one route each, so each declares its own permission.
for (const section of sections) {
  if (!section.upcoming) continue
  dashboardRoutes.get(section.href, requires(section.permission), (c) =>
    renderPage(c, {
      title: section.title,
      active: section.id,
      content: <UpcomingPage section={section} />,
    }),
  )
}
