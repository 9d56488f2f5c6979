/** @jsxImportSource hono/jsx */
/** The end of a newest-first list: an error, or a button that swaps in the next page by cursor. */

/** LoadOlder renders the list's last item: the error if any, else the button when more follow. */
export function LoadOlder(props: { nextUrl?: string | undefined; error?: string | undefined }) {
  if (props.error) {
    return (
      <li class="more error" role="alert">
        {props.error}
      </li>
    )
  }
  if (!props.nextUrl) return null
  return (
    <li class="more">
      <button type="button" hx-get={props.nextUrl} hx-target="closest li" hx-swap="outerHTML">
        Load older
      </button>
    </li>
  )
}
