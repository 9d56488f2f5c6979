/** @jsxImportSource hono/jsx */
/** The page shown for a section that is not built yet: says so and what it will hold. */
import type { Section } from '../../src/dashboard/sections.ts'

/** UpcomingPage tells the reader this section is not built yet. */
export function UpcomingPage(props: { section: Section }) {
  return (
    <>
      <h1>{props.section.title}</h1>
      <section class="panel empty">
        <p>
          <strong>This page is not built yet.</strong>
        </p>
        <p>{props.section.upcoming}</p>
      </section>
    </>
  )
}
