/** Random secrets and their stored form: tokens are shown once and only their SHA-256 is kept. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** randomSecret returns `bytes` random bytes as base64url. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/** sha256Hex returns the hex SHA-256 of a string. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** constantTimeEqual compares two strings without leaking where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(sha256Hex(a), 'hex')
  const y = Buffer.from(sha256Hex(b), 'hex')
  return timingSafeEqual(x, y) && a.length === b.length
}
