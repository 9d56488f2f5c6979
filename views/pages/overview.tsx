/** @jsxImportSource hono/jsx */
/** The Overview page: the landing page of the dashboard. */
import type { Overview } from '../../src/system/index.ts'
import { OverviewPanel } from '../partials/overview-panel.tsx'

/** OverviewPage renders the Overview content (inside the layout). */
export function OverviewPage(props: { overview: Overview }) {
  return (
    <>
      <h1>Overview</h1>
      <OverviewPanel overview={props.overview} />
    </>
  )
}
