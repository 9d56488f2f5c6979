/**
 * The `timestamp,value` CSV format of `vigil anomaly score` and of NAB, one line at a time: pure
 * parsing, so the CLI can stream a file of any size and the benchmark reads NAB the same way.
 */

/** csvHeader is the header the input must start with. */
export const csvHeader = 'timestamp,value'

/** outputHeader is the header of the scored output. */
export const outputHeader = 'timestamp,value,anomaly_score'

const naive = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/

/**
 * parseTimestamp reads an instant in ms: RFC 3339, `YYYY-MM-DD HH:MM[:SS[.frac]]` (taken as UTC,
 * NAB's form), or a number of seconds (ms when it has 13 or more digits) since the epoch; NaN if none.
 */
export function parseTimestamp(text: string): number {
  const s = text.trim()
  if (/^\d+(\.\d+)?$/.test(s)) {
    const n = Number(s)
    return s.split('.')[0]!.length >= 13 ? n : n * 1000
  }
  const m = naive.exec(s)
  if (m) return Date.parse(`${m[1]}T${m[2]!.slice(0, 12)}Z`)
  return /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/i.test(s) ? Date.parse(s) : NaN
}

/** Row is one parsed input line: the timestamp text as given, its instant and the value. */
export interface Row {
  timestamp: string
  t: number
  value: number
}

/** parseRow parses one data line, or returns the reason it is not a `timestamp,value` row. */
export function parseRow(line: string): Row | string {
  const comma = line.lastIndexOf(',')
  if (comma < 0) return 'expected "timestamp,value"'
  const timestamp = line.slice(0, comma)
  const text = line.slice(comma + 1).trim()
  const t = parseTimestamp(timestamp)
  if (Number.isNaN(t)) return `bad timestamp "${timestamp}"`
  const value = text === '' || /^nan$/i.test(text) ? NaN : Number(text)
  if (Number.isNaN(value) && text !== '' && !/^nan$/i.test(text)) return `bad value "${text}"`
  return { timestamp, t, value }
}

/** isHeader says whether a line is the expected header (spaces, case and a BOM are tolerated). */
export function isHeader(line: string): boolean {
  return (
    line
      .replace(/^\uFEFF/, '')
      .replace(/\s/g, '')
      .toLowerCase() === csvHeader
  )
}

/** formatScore renders a score with at most 6 decimals and no trailing zeros. */
export function formatScore(score: number): string {
  return String(Math.round(score * 1e6) / 1e6)
}
