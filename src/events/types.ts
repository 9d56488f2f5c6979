/** Plain types of the events domain. */

/** severities are the normalised event severities, least severe first. */
export const severities = ['info', 'warning', 'error', 'critical'] as const

/** Severity is one normalised event severity. */
export type Severity = (typeof severities)[number]

/** EventRecord is one accepted event: a deploy, a restart, a config change, a drift report. */
export interface EventRecord {
  ts: number
  source: string
  kind: string
  severity: Severity
  subject: string
  message: string
  attributes: Record<string, unknown>
  truncated: boolean
}

/** StoredEvent is an event as a query returns it. */
export interface StoredEvent extends EventRecord {
  id: number
}

/** EventQuery filters events; `since` is a lower bound on `ts`, `cursor` continues a page. */
export interface EventQuery {
  source?: string | undefined
  kind?: string | undefined
  severity?: Severity | undefined
  since?: number | undefined
  until?: number | undefined
  limit: number
  cursor?: string | undefined
}

/** EventPage is one page of events, newest first. */
export interface EventPage {
  events: StoredEvent[]
  has_more: boolean
  next_cursor: string | null
}
