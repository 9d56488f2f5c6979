/**
 * The one error type of vigil's PromQL: parse errors, unsupported constructs and evaluation errors
 * (such as many-to-many matching) all throw it, so the HTTP layer can map it to Prometheus's
 * `bad_data` answer without knowing which stage failed.
 */

/** PromqlError is a query that cannot be parsed, is not supported, or cannot be evaluated. */
export class PromqlError extends Error {
  /** position is the 0-based offset into the query the error refers to, or -1 if none. */
  readonly position: number

  constructor(message: string, position = -1) {
    super(message)
    this.name = 'PromqlError'
    this.position = position
  }
}

/** parseError builds a syntax PromqlError in Prometheus's style, with a 1-based character. */
export function parseError(position: number, detail: string): PromqlError {
  return new PromqlError(`parse error at char ${position + 1}: ${detail}`, position)
}
