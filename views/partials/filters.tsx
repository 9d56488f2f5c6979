/** @jsxImportSource hono/jsx */
/** What the filter forms of the list pages share: their URL, and the Show button with the form's error. */

/** filterUrl is a list page's URL for its filters, leaving out the empty ones. */
export function filterUrl(
  path: string,
  filters: object,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) params.set(k, String(v))
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

/** FilterSubmit ends a filter form: the Show button, then the error the filters caused, if any. */
export function FilterSubmit(props: { error?: string | undefined }) {
  return (
    <>
      <button type="submit" class="primary">
        Show
      </button>
      {props.error ? (
        <p class="error form-error" role="alert">
          {props.error}
        </p>
      ) : null}
    </>
  )
}
