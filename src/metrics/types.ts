/** Plain types of the metrics engine, shared by ingest, storage, PromQL and the routes. */

/** Labels of a series, `__name__` included; keys are label names. */
export type Labels = Record<string, string>

/** Sample is one point: time in epoch milliseconds, value a float64 (NaN, ±Inf allowed). */
export interface Sample {
  t: number
  v: number
}

/** SeriesData is one series with its samples, oldest first. */
export interface SeriesData {
  labels: Labels
  samples: Sample[]
}

/** SeriesColumns is one series with its samples as parallel typed arrays, oldest first. */
export interface SeriesColumns {
  labels: Labels
  ts: Float64Array
  vs: Float64Array
}

/** MatchOp is a PromQL label matcher operator. */
export type MatchOp = '=' | '!=' | '=~' | '!~'

/** Matcher selects series by one label (`__name__` for the metric name). */
export interface Matcher {
  name: string
  op: MatchOp
  value: string
}

/** SelectRequest asks the store for the raw samples of matching series in [start, end] ms. */
export interface SelectRequest {
  matchers: Matcher[]
  start: number
  end: number
}

/** Querier is what the PromQL evaluator needs from storage. */
export interface Querier {
  select(request: SelectRequest): Promise<SeriesData[]>
}

/**
 * staleNaNBits is the bit pattern of Prometheus's staleness marker. Bun canonicalises NaN payloads
 * in JS numbers, so inside vigil every NaN value *is* the staleness marker (ingest refuses any
 * other NaN); codecs and wire formats write these exact bits for it and read any NaN back as NaN.
 */
export const staleNaNBits = 0x7ff0000000000002n
