/**
 * The Hono middleware for routes that take signed requests (webhooks, external executors): it
 * reads the raw body, checks X-Vigil-Signature with the pure core in signature.ts, then records the
 * request's replay id (a digest of the signed `t.body`) so the same request cannot be replayed.
 * Any failure is a 401 `invalid_signature` whose message says what is wrong and whose
 * `details.reason` says why in one word. The body stays readable by the handler, because Hono
 * caches it.
 */
import type { MiddlewareHandler } from 'hono'
import { UnauthorizedError } from '../errors.ts'
import type { ReplayStore } from './replay.ts'
import { defaultToleranceSeconds, signatureHeader, verifySignature } from './signature.ts'

/**
 * InvalidSignatureError is the UnauthorizedError (401) thrown for a refused signed request.
 */
export class InvalidSignatureError extends UnauthorizedError {
  static override defaultCode = 'invalid_signature'
}

/** SignedRequestOptions configures requireSignature. */
export interface SignedRequestOptions {
  /** The accepted secrets, read per request so rotation needs no restart; '' never matches. */
  secrets: () => string[]
  /** Where the replay ids of accepted requests are remembered. */
  replay: ReplayStore
  /** The clock, in milliseconds since the epoch. */
  now: () => number
  /** How far the signed timestamp may be from now, either way (default 300 s). */
  toleranceSeconds?: number
}

/**
 * requireSignature refuses (401 `invalid_signature`) any request whose signature is missing,
 * malformed, stale or wrong, or whose replay id (the SHA-256 of `${t}.${body}`, from
 * verifySignature) was already accepted, so the same `t` and body pass once in the tolerance
 * window. The replay check runs only after the signature verified, so nobody without a secret can
 * use up ids. An id is remembered until the end of the last second its timestamp is still
 * accepted, `(t + tolerance + 1) * 1000` ms: with whole-second time, `t + tolerance` alone would
 * let it expire while the request is still valid.
 */
export function requireSignature(options: SignedRequestOptions): MiddlewareHandler {
  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds
  const refuse = (message: string, reason: string) =>
    new InvalidSignatureError(message, { details: { reason } })

  return async (c, next) => {
    const header = c.req.header(signatureHeader)
    if (header === undefined) throw refuse(`${signatureHeader} is missing`, 'missing')
    const body = new Uint8Array(await c.req.arrayBuffer())
    const nowMs = options.now()
    const result = verifySignature({
      secret: options.secrets(),
      header,
      body,
      nowSeconds: Math.floor(nowMs / 1000),
      toleranceSeconds: tolerance,
    })
    if (!result.ok) {
      switch (result.reason) {
        case 'missing':
          throw refuse(`${signatureHeader} is missing`, result.reason)
        case 'malformed':
          throw refuse(
            `${signatureHeader} is malformed; expected t=<unix seconds>,v1=<64 hex digits>`,
            result.reason,
          )
        case 'stale':
          throw refuse(`signature timestamp is outside the ${tolerance} s tolerance`, result.reason)
        case 'mismatch':
          throw refuse('signature does not match', result.reason)
      }
    }
    const expiresAtMs = (result.timestamp + tolerance + 1) * 1000
    if (!(await options.replay.remember(result.id, expiresAtMs, nowMs)))
      throw refuse('this signed request was already received (replay)', 'replay')
    await next()
  }
}
