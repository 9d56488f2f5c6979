/** The sample shape the agent sends: the native ingest form of `POST /api/v1/ingest/metrics`. */

/** Sample is one value of one series at one time (epoch milliseconds). */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
  ts: number
}

/** Point is a sample before the collector stamps it with the host label and the time. */
export interface Point {
  name: string
  labels: Record<string, string>
  value: number
}

/** point builds a Point; labels default to none. */
export const point = (name: string, value: number, labels: Record<string, string> = {}): Point => ({
  name,
  labels,
  value,
})
