/**
 * The one error handler: maps AppError subclasses and Hono's HTTPException to a status and the
 * body `{"error":{"code","message","details"}}`; anything else is a 500 that is logged, not leaked.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { AppError, RateLimitedError, UnavailableError } from '../errors.ts'
import type { Logger } from '../obs/logger.ts'

/** ErrorBody is the JSON every error response carries. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown }
}

/** errorBody builds the error JSON, leaving `details` out when there are none. */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } }
}

const httpCodes: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
}

/** handleError is the app's `onError`. */
export function handleError(logger: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof AppError) {
      if (
        err instanceof RateLimitedError ||
        (err instanceof UnavailableError && err.retryAfterSeconds)
      ) {
        c.header('Retry-After', String(err.retryAfterSeconds))
      }
      if (err.status >= 500) logAppError(logger, c, err)
      return c.json(errorBody(err.code, err.message, err.details), err.status as 400)
    }
    if (err instanceof HTTPException) {
      const status = err.status
      const code = httpCodes[status] ?? (status >= 500 ? 'internal' : 'invalid_request')
      return c.json(errorBody(code, err.message || code.replace(/_/g, ' ')), status)
    }
    logger.error('unhandled error', {
      request_id: c.get('requestId' as never),
      method: c.req.method,
      path: c.req.path,
      err,
    })
    return c.json(errorBody('internal', 'internal error; the server log has the details'), 500)
  }
}

function logAppError(logger: Logger, c: Context, err: AppError) {
  logger.error(err.message, {
    request_id: c.get('requestId' as never),
    code: err.code,
    cause: err.cause,
  })
}
