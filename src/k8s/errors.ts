/**
 * The errors of the Kubernetes adapter. `KubeApiError` carries the API server's status code and
 * reason (from its `Status` object) so callers branch on `reason`, never on message text.
 * `KubeConfigError` says the credentials cannot be loaded and what to fix.
 */
import { UpstreamError } from '../errors.ts'

/** KubeReason is the reason of a failed call, as the API server names it. */
export type KubeReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'Unreachable'
  | 'Unknown'

const byStatus: Record<number, KubeReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
}

const known = new Set<string>([...Object.values(byStatus), 'AlreadyExists', 'Expired'])

/** KubeApiError is a failed call to the API server (status 0 when it could not be reached). */
export class KubeApiError extends UpstreamError {
  static override defaultCode = 'kubernetes_error'
  /** statusCode is the HTTP status the API server answered; 0 when unreachable. */
  readonly statusCode: number
  readonly reason: KubeReason
  /** retryAfterSeconds is the server's `Retry-After`, when it sent one. */
  readonly retryAfterSeconds: number | undefined

  constructor(
    message: string,
    init: {
      statusCode: number
      reason: KubeReason
      details?: unknown
      cause?: unknown
      retryAfterSeconds?: number
    },
  ) {
    super(message, { details: init.details, cause: init.cause, code: codeOf(init.reason) })
    this.statusCode = init.statusCode
    this.reason = init.reason
    this.retryAfterSeconds = init.retryAfterSeconds
  }

  /** gone tells whether the resourceVersion asked for is too old (410 Gone or Expired). */
  get gone(): boolean {
    return this.statusCode === 410 || this.reason === 'Gone' || this.reason === 'Expired'
  }
}

function codeOf(reason: KubeReason): string {
  return `kubernetes_${reason.replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase())}`
}

/** KubeConfigError says the credentials could not be loaded; the message says what to fix. */
export class KubeConfigError extends Error {
  override name = 'KubeConfigError'
}

/** KubeStatus is the `Status` object the API server sends with a failure. */
export interface KubeStatus {
  kind?: string
  status?: string
  message?: string
  reason?: string
  code?: number
  details?: unknown
}

/** errorFromStatus maps an HTTP status and the server's Status body to a KubeApiError. */
export function errorFromStatus(
  statusCode: number,
  body: KubeStatus | undefined,
  what: string,
  retryAfter?: string | null,
): KubeApiError {
  const reason: KubeReason =
    body?.reason && known.has(body.reason)
      ? (body.reason as KubeReason)
      : (byStatus[statusCode] ?? (statusCode >= 500 ? 'InternalError' : 'Unknown'))
  const said = body?.message ? `: ${body.message}` : ''
  const seconds = retryAfter ? Number(retryAfter) : undefined
  return new KubeApiError(`${what}: ${statusCode} ${reason}${said}`, {
    statusCode,
    reason,
    details: body?.details,
    retryAfterSeconds: Number.isFinite(seconds) ? seconds : undefined,
  })
}
