/** @jsxImportSource hono/jsx */
/** The HTML 404 page for browsers (API paths get JSON). */

/** NotFoundPage says the page does not exist and how to get back. */
export function NotFoundPage(props: { path: string }) {
  return (
    <>
      <h1>Not found</h1>
      <section class="panel empty">
        <p>
          There is no page at <code>{props.path}</code>. <a href="/">Back to the overview</a>.
        </p>
      </section>
    </>
  )
}
