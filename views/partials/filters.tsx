/** @jsxImportSource hono/jsx */
/** What the filter forms of the list pages share: their URL, a choice with `any`, and the Show button with the form's error. */

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

/** FilterChoice is a labelled select of `options` with `any` (the empty value) first. */
export function FilterChoice(props: {
  name: string
  label: string
  value: string
  options: readonly string[]
}) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">any</option>
        {props.options.map((o) => (
          <option value={o} selected={props.value === o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  )
}
