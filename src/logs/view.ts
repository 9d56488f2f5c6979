/** The Logs page's state, as the URL holds it so that a view can be shared by copying it. */

/** LogsView is the state the page shows, read from the URL. */
export interface LogsView {
  service: string
  level: string
  range: string
  search: string
}

/** logsUrl is the page's URL for a view, leaving out empty filters. */
export function logsUrl(view: LogsView, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...view, ...extra })) if (v) params.set(k, v)
  const text = params.toString()
  return text ? `/dashboard/logs?${text}` : '/dashboard/logs'
}
