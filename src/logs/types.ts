/** Plain types of the logs domain. */

/** levels are the normalised log levels, least severe first. */
export const levels = ['debug', 'info', 'warn', 'error', 'fatal'] as const

/** Level is one normalised log level. */
export type Level = (typeof levels)[number]

/** LogLine is one accepted log line, before or after it is stored. */
export interface LogLine {
  /** ts is epoch milliseconds. */
  ts: number
  service: string
  level: Level
  message: string
  /** labels are sorted by name, values non-empty. */
  labels: Record<string, string>
  /** truncated says the message was cut to the configured maximum. */
  truncated: boolean
}

/** StoredLog is a log line as a query returns it. */
export interface StoredLog extends LogLine {
  id: number
}

/** LogQuery selects the lines of one service; `cursor` continues a previous page. */
export interface LogQuery {
  service: string
  /** minLevel keeps lines at this level or above; `levels` (when set) keeps exactly those. */
  minLevel?: Level | undefined
  levels?: Level[] | undefined
  start?: number | undefined
  end?: number | undefined
  /** search is the user's full-text query (see `toFtsQuery`). */
  search?: string | undefined
  limit: number
  cursor?: string | undefined
}

/** LogPage is one page of a query, newest first. */
export interface LogPage {
  logs: StoredLog[]
  has_more: boolean
  next_cursor: string | null
}

/** ServiceSummary is one service on the services list. */
export interface ServiceSummary {
  service: string
  lines: number
  last_seen: number
  /** error_rate is error+fatal lines over all lines in the last 5 minutes; 0 when none. */
  error_rate: number
  lines_5m: number
}

/** LogLimits bounds what one line may carry; sizes in UTF-8 bytes, times in ms. */
export interface LogLimits {
  maxMessageBytes: number
  maxServiceBytes: number
  maxLabels: number
  maxNameBytes: number
  maxValueBytes: number
  maxAgeMs: number
  maxFutureMs: number
}
