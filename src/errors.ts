/**
 * AppError is the base of every error the domain throws on purpose; `app.onError` maps each
 * subclass to one HTTP status and the body `{"error":{"code","message","details"}}`.
 */
export class AppError extends Error {
  /** defaultCode is the code of this class when the thrower gives none; subclasses override it. */
  static defaultCode = 'internal'
  readonly status: number = 500
  readonly code: string
  readonly details: unknown

  constructor(
    message: string,
    options: { details?: unknown; cause?: unknown; code?: string } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = new.target.name
    this.details = options.details
    // Read from the class, not a field initialiser: those run after this constructor and would
    // overwrite a code the thrower chose.
    this.code = options.code ?? (new.target as typeof AppError).defaultCode
  }
}

/** NotFoundError says the thing asked for does not exist (404). */
export class NotFoundError extends AppError {
  override readonly status = 404
  static override defaultCode = 'not_found'
}

/** ValidationError says the input is malformed or out of bounds (400). */
export class ValidationError extends AppError {
  override readonly status = 400
  static override defaultCode = 'invalid_request'
}

/** UnauthorizedError says the caller is not authenticated (401). */
export class UnauthorizedError extends AppError {
  override readonly status = 401
  static override defaultCode = 'unauthorized'
}

/** ForbiddenError says the caller may not do this (403). */
export class ForbiddenError extends AppError {
  override readonly status = 403
  static override defaultCode = 'forbidden'
}

/** ConflictError says the request clashes with the current state (409). */
export class ConflictError extends AppError {
  override readonly status = 409
  static override defaultCode = 'conflict'
}

/** PayloadTooLargeError says the body is over the configured limit (413). */
export class PayloadTooLargeError extends AppError {
  override readonly status = 413
  static override defaultCode = 'payload_too_large'
}

/** RateLimitedError says the caller must slow down; `retryAfterSeconds` becomes `Retry-After` (429). */
export class RateLimitedError extends AppError {
  override readonly status = 429
  static override defaultCode = 'rate_limited'
  readonly retryAfterSeconds: number

  constructor(message: string, retryAfterSeconds: number, options: { details?: unknown } = {}) {
    super(message, options)
    this.retryAfterSeconds = retryAfterSeconds
  }
}

/** UpstreamError says a dependency (database server, Kubernetes, a webhook) failed (502). */
export class UpstreamError extends AppError {
  override readonly status = 502
  static override defaultCode = 'upstream_error'
}

/** UnavailableError says vigil cannot serve this now (503); `retryAfterSeconds` becomes `Retry-After`. */
export class UnavailableError extends AppError {
  static override defaultCode = 'unavailable'
  override readonly status = 503
  readonly retryAfterSeconds: number | undefined

  constructor(
    message: string,
    options: { details?: unknown; code?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message, options)
    this.retryAfterSeconds = options.retryAfterSeconds
  }
}
