/**
 * Password hashing and password policy. Hashes use scrypt from node:crypto (not Bun.password) so
 * the same code runs under Bun, in the compiled binary and under Deno. The default parameters are
 * OWASP's recommendation for scrypt (N=2^17, r=8, p=1, 16-byte salt, 32-byte key), and the stored
 * form `scrypt$N$r$p$salt$hash` names its parameters so they can be raised later: needsRehash()
 * tells when a stored hash should be replaced after a successful login. The policy refuses short
 * and long passwords, the 10 000 most common ones (from zxcvbn, see
 * scripts/make-common-passwords.ts) and passwords that contain the username.
 */
import { Buffer } from 'node:buffer'
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import list from './common-passwords.gz.b64' with { type: 'text' }

/** ScryptParams are scrypt's cost (N, a power of two), block size (r) and parallelism (p). */
export interface ScryptParams {
  N: number
  r: number
  p: number
}

/** owaspScrypt is OWASP's recommended scrypt cost: N=2^17, r=8, p=1 (about 128 MiB of memory). */
export const owaspScrypt: ScryptParams = { N: 2 ** 17, r: 8, p: 1 }

const saltBytes = 16
const keyBytes = 32
// scrypt needs about 128 * N * r bytes; node:crypto refuses anything above maxmem (32 MiB by
// default), so allow up to 256 MiB, twice what the OWASP parameters use.
const maxmem = 256 * 1024 * 1024

/** minPasswordLength is the fewest characters (Unicode code points) a password may have. */
export const minPasswordLength = 12
/** maxPasswordLength is the most characters (Unicode code points) a password may have. */
export const maxPasswordLength = 128

/** hashPassword returns the self-describing scrypt hash of a password, with a fresh random salt. */
export async function hashPassword(
  password: string,
  params: ScryptParams = owaspScrypt,
): Promise<string> {
  if (!validParams(params)) {
    throw new RangeError(`invalid scrypt parameters N=${params.N} r=${params.r} p=${params.p}`)
  }
  const salt = randomBytes(saltBytes)
  const key = await deriveKey(password, salt, keyBytes, params)
  const { N, r, p } = params
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** verifyPassword tells whether a password matches a stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const stored = parseHash(encoded)
  if (!stored) return false
  try {
    const key = await deriveKey(password, stored.salt, stored.key.length, stored.params)
    return timingSafeEqual(key, stored.key)
  } catch {
    return false
  }
}

/** needsRehash tells whether a stored hash is malformed or was made with other parameters. */
export function needsRehash(encoded: string, params: ScryptParams = owaspScrypt): boolean {
  const stored = parseHash(encoded)
  if (!stored) return true
  return (
    stored.params.N !== params.N ||
    stored.params.r !== params.r ||
    stored.params.p !== params.p ||
    stored.salt.length < saltBytes ||
    stored.key.length !== keyBytes
  )
}

/** checkPassword returns what is wrong with a new password, or undefined if it is acceptable. */
export function checkPassword(
  password: string,
  context: { username?: string } = {},
): string | undefined {
  const length = codePoints(password)
  if (length < minPasswordLength) {
    return `password must be at least ${minPasswordLength} characters (got ${length})`
  }
  if (length > maxPasswordLength) {
    return `password must be at most ${maxPasswordLength} characters (got ${length})`
  }
  if (isCommonPassword(password)) {
    return 'password is one of the 10 000 most common passwords; choose another'
  }
  const username = context.username?.toLowerCase()
  if (username && codePoints(username) >= 3 && password.toLowerCase().includes(username)) {
    return 'password must not contain the username'
  }
  return undefined
}

/** isCommonPassword tells whether a password, ignoring case, is one of the 10 000 most common. */
export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.toLowerCase())
}

/** commonPasswordCount returns how many passwords the common-password list holds. */
export function commonPasswordCount(): number {
  return commonPasswords().size
}

let common: Set<string> | undefined

// The list is decoded on first use: about 80 KB of text that most commands never need.
function commonPasswords(): Set<string> {
  if (!common) {
    const text = gunzipSync(Buffer.from(list.trim(), 'base64')).toString('utf8')
    common = new Set(text.split('\n').filter((word) => word !== ''))
  }
  return common
}

function codePoints(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

// NFKC first, so the same password typed on another keyboard or OS (composed or decomposed
// accents, full-width digits) hashes the same.
function deriveKey(
  password: string,
  salt: Buffer,
  length: number,
  { N, r, p }: ScryptParams,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, length, { N, r, p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

// Bounds that keep a stored hash from asking for more memory or time than hashing ever uses.
function validParams({ N, r, p }: ScryptParams): boolean {
  return (
    Number.isSafeInteger(N) &&
    Number.isSafeInteger(r) &&
    Number.isSafeInteger(p) &&
    N >= 2 &&
    (N & (N - 1)) === 0 &&
    r >= 1 &&
    p >= 1 &&
    p <= 16 &&
    128 * r * (N + p + 2) <= maxmem
  )
}

const decimal = /^[1-9][0-9]{0,9}$/
const base64url = /^[A-Za-z0-9_-]+$/

function parseHash(
  encoded: string,
): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  if (typeof encoded !== 'string') return undefined
  const parts = encoded.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string]
  if (![n, r, p].every((part) => decimal.test(part))) return undefined
  if (![salt, key].every((part) => base64url.test(part))) return undefined
  const params = { N: Number(n), r: Number(r), p: Number(p) }
  if (!validParams(params)) return undefined
  const saltBuffer = Buffer.from(salt, 'base64url')
  const keyBuffer = Buffer.from(key, 'base64url')
  if (saltBuffer.length < 8 || keyBuffer.length < 16 || keyBuffer.length > 64) return undefined
  if (saltBuffer.toString('base64url') !== salt || keyBuffer.toString('base64url') !== key) {
    return undefined
  }
  return { params, salt: saltBuffer, key: keyBuffer }
}
