/**
 * HMAC-SHA256 request signatures for webhooks and external executors, as a pure core: no I/O and
 * no clock (the time is a parameter), so the rules are easy to test and run the same under Bun,
 * Node and Deno. A signed request carries one header:
 *
 *   X-Vigil-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]
 *
 * and each v1 is hex(HMAC-SHA256(secret, `${t}.${body}`)), where `body` is the raw request body
 * bytes (a string body is taken as UTF-8). The timestamp is digits only, so the first `.` always
 * ends it and `t` cannot be shifted into the body. Several v1 entries let a sender sign with an
 * old and a new secret while a secret is rotated; the request is valid if any of them matches any
 * accepted secret. Unknown keys (say a future v2) are ignored.
 *
 * Replay protection needs an id per request. It is not sent by the sender: it is
 * hex(SHA-256(`${t}.${body}`)), a digest of the signed content, computed by the verifier and
 * returned with a verified result. Nobody without a secret can change it, because any change to
 * `t` or the body needs a new valid v1; so a captured request cannot be replayed under a new id,
 * and a sender that retries must re-sign with a new `t`, which is the intended semantics. The id
 * does not depend on which v1 entry or which secret matched: were it the matching v1 (or the MAC
 * under the first matching secret), a replay of a request signed with two secrets could drop one
 * entry, match through the other and get a new id. The cost is that the same body sent twice in
 * the same second is one request; a sender that means two must make the bodies differ.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** signatureHeader is the header that carries the timestamp and the signatures. */
export const signatureHeader = 'X-Vigil-Signature'

/** defaultToleranceSeconds is how far a timestamp may be from now, either way, by default. */
export const defaultToleranceSeconds = 300

/** SignatureFailure says why a signature was refused. */
export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch'

/**
 * SignatureResult is the outcome of verifySignature: the signed timestamp and the request's replay
 * id (lower-case hex SHA-256 of `${t}.${body}`), or why it failed.
 */
export type SignatureResult =
  { ok: true; timestamp: number; id: string } | { ok: false; reason: SignatureFailure }

const timestampPattern = /^\d{1,12}$/
const hexPattern = /^[0-9a-fA-F]{64}$/
const maxHeaderLength = 2048
const maxSignatures = 8

/** signPayload signs an outgoing request and returns the X-Vigil-Signature header value. */
export function signPayload(
  secret: string,
  body: string | Uint8Array,
  nowSeconds: number,
): { header: string } {
  if (secret.length === 0) throw new RangeError('signPayload: the secret is empty')
  if (!Number.isFinite(nowSeconds) || nowSeconds < 0)
    throw new RangeError('signPayload: nowSeconds must be a non-negative number')
  const t = Math.floor(nowSeconds)
  return { header: `t=${t},v1=${mac(secret, t, body).toString('hex')}` }
}

/**
 * verifySignature checks a received X-Vigil-Signature header against the accepted secrets: it is
 * `missing` without a header, `malformed` when the header cannot be parsed, `stale` when the
 * timestamp is more than `toleranceSeconds` before or after now (exactly at it is accepted), and
 * `mismatch` when no v1 entry matches any non-empty secret. The timestamp is checked before any
 * HMAC is computed, and digests are compared in constant time. On success it returns the replay id
 * of the request, the same whichever entry or secret matched (see the file comment).
 */
export function verifySignature(input: {
  secret: string | string[]
  header: string | undefined
  body: string | Uint8Array
  nowSeconds: number
  toleranceSeconds?: number
}): SignatureResult {
  const tolerance = input.toleranceSeconds ?? defaultToleranceSeconds
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new RangeError('verifySignature: toleranceSeconds must be a non-negative number')
  if (input.header === undefined) return fail('missing')
  const parsed = parseHeader(input.header)
  if (!parsed) return fail('malformed')
  if (Math.abs(input.nowSeconds - parsed.timestamp) > tolerance) return fail('stale')
  const secrets = (typeof input.secret === 'string' ? [input.secret] : input.secret).filter(
    (s) => s.length > 0,
  )
  for (const secret of secrets) {
    const expected = mac(secret, parsed.timestamp, input.body)
    for (const candidate of parsed.signatures) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected))
        return { ok: true, timestamp: parsed.timestamp, id: replayId(parsed.timestamp, input.body) }
    }
  }
  return fail('mismatch')
}

function fail(reason: SignatureFailure): SignatureResult {
  return { ok: false, reason }
}

function mac(secret: string, t: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(body).digest()
}

/** replayId is the lower-case hex SHA-256 of the signed string `${t}.${body}`. */
function replayId(t: number, body: string | Uint8Array): string {
  return createHash('sha256').update(`${t}.`, 'utf8').update(body).digest('hex')
}

/** parseHeader reads `t=<digits>,v1=<64 hex>…`; undefined when it is not exactly that shape. */
function parseHeader(header: string): { timestamp: number; signatures: Buffer[] } | undefined {
  if (header.length === 0 || header.length > maxHeaderLength) return undefined
  let timestamp: number | undefined
  const signatures: Buffer[] = []
  for (const part of header.split(',')) {
    const eq = part.indexOf('=')
    if (eq <= 0) return undefined
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === 't') {
      if (timestamp !== undefined || !timestampPattern.test(value)) return undefined
      timestamp = Number(value)
    } else if (key === 'v1') {
      if (!hexPattern.test(value) || signatures.length >= maxSignatures) return undefined
      signatures.push(Buffer.from(value, 'hex'))
    }
  }
  if (timestamp === undefined || signatures.length === 0) return undefined
  return { timestamp, signatures }
}
