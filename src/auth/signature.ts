/**
 * HMAC-SHA256 request signatures for webhooks and external executors, as a pure core: no I/O and
 * no clock (the time is a parameter), so the rules are easy to test and run the same under Bun,
 * Node and Deno. A signed request carries two headers:
 *
 *   X-Vigil-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]
 *   X-Vigil-Signature-Id: <unique id, 1–128 of A-Z a-z 0-9 _ ->
 *
 * and each v1 is hex(HMAC-SHA256(secret, `${t}.${id}.${body}`)), where `body` is the raw request
 * body bytes (a string body is taken as UTF-8). The id is signed so an attacker cannot swap it to
 * get past replay protection, and it may not contain `.`, so the three parts cannot be shifted
 * into one another. Several v1 entries let a sender sign with an old and a new secret while a
 * secret is rotated; the request is valid if any of them matches any accepted secret. Unknown
 * keys (say a future v2) are ignored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** signatureHeader is the header that carries the timestamp and the signatures. */
export const signatureHeader = 'X-Vigil-Signature'

/** signatureIdHeader is the header that carries the request's unique id, used against replays. */
export const signatureIdHeader = 'X-Vigil-Signature-Id'

/** defaultToleranceSeconds is how far a timestamp may be from now, either way, by default. */
export const defaultToleranceSeconds = 300

/** SignatureFailure says why a signature was refused. */
export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch'

/** SignatureResult is the outcome of verifySignature: the signed timestamp, or why it failed. */
export type SignatureResult =
  { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure }

const idPattern = /^[A-Za-z0-9_-]{1,128}$/
const timestampPattern = /^\d{1,12}$/
const hexPattern = /^[0-9a-fA-F]{64}$/
const maxHeaderLength = 2048
const maxSignatures = 8

/** isSignatureId reports whether `id` is a well-formed id: 1–128 of A-Z a-z 0-9 _ -. */
export function isSignatureId(id: string): boolean {
  return idPattern.test(id)
}

/** signPayload signs an outgoing request and returns the X-Vigil-Signature value and the id. */
export function signPayload(
  secret: string,
  body: string | Uint8Array,
  nowSeconds: number,
  id: string,
): { header: string; id: string } {
  if (secret.length === 0) throw new RangeError('signPayload: the secret is empty')
  if (!isSignatureId(id))
    throw new RangeError('signPayload: the id must be 1-128 characters of A-Z a-z 0-9 _ -')
  if (!Number.isFinite(nowSeconds) || nowSeconds < 0)
    throw new RangeError('signPayload: nowSeconds must be a non-negative number')
  const t = Math.floor(nowSeconds)
  return { header: `t=${t},v1=${mac(secret, t, id, body).toString('hex')}`, id }
}

/**
 * verifySignature checks a received X-Vigil-Signature header against the accepted secrets: it is
 * `missing` without a header or id, `malformed` when either cannot be parsed, `stale` when the
 * timestamp is more than `toleranceSeconds` before or after now (exactly at it is accepted), and
 * `mismatch` when no v1 entry matches any non-empty secret. The timestamp is checked before any
 * HMAC is computed, and digests are compared in constant time.
 */
export function verifySignature(input: {
  secret: string | string[]
  header: string | undefined
  id: string | undefined
  body: string | Uint8Array
  nowSeconds: number
  toleranceSeconds?: number
}): SignatureResult {
  const tolerance = input.toleranceSeconds ?? defaultToleranceSeconds
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new RangeError('verifySignature: toleranceSeconds must be a non-negative number')
  if (input.header === undefined || input.id === undefined) return fail('missing')
  const parsed = parseHeader(input.header)
  if (!parsed || !isSignatureId(input.id)) return fail('malformed')
  if (Math.abs(input.nowSeconds - parsed.timestamp) > tolerance) return fail('stale')
  const secrets = (typeof input.secret === 'string' ? [input.secret] : input.secret).filter(
    (s) => s.length > 0,
  )
  for (const secret of secrets) {
    const expected = mac(secret, parsed.timestamp, input.id, input.body)
    for (const candidate of parsed.signatures) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected))
        return { ok: true, timestamp: parsed.timestamp }
    }
  }
  return fail('mismatch')
}

function fail(reason: SignatureFailure): SignatureResult {
  return { ok: false, reason }
}

function mac(secret: string, t: number, id: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${t}.${id}.`, 'utf8').update(body).digest()
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
