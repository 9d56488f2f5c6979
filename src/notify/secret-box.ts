/**
 * Secrets of channel configs at rest: AES-256-GCM with a random 96-bit nonce per value and the
 * channel and field names as associated data (a ciphertext moved to another field or channel
 * does not open). The key is VIGIL_SECRET_KEY (32 bytes as 64 hex digits or base64), else a key
 * file `<data dir>/secret.key` generated on first use with mode 0600. Replicas that share a
 * remote database must share VIGIL_SECRET_KEY.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** sealedPrefix marks an encrypted value in a stored config. */
export const sealedPrefix = 'vigil:aes256gcm:v1:'

/** SecretBox seals and opens strings under one key. */
export interface SecretBox {
  seal(plain: string, context: string): string
  open(sealed: string, context: string): string
}

/** parseKey reads 64 hex digits or base64(url) of 32 bytes; undefined when it is neither. */
export function parseKey(text: string): Buffer | undefined {
  const t = text.trim()
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex')
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const key = Buffer.from(t, 'base64')
    if (key.length === 32) return key
  }
  return undefined
}

/**
 * loadKey returns the configured key, or the data dir's key file, creating it (0600) when
 * missing. Throws when the key file exists but does not hold a key.
 */
export function loadKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) {
    const key = parseKey(configured)
    if (!key) throw new Error('VIGIL_SECRET_KEY must be 32 bytes as 64 hex digits or base64')
    return key
  }
  const path = join(dataDir, 'secret.key')
  if (existsSync(path)) {
    const key = parseKey(readFileSync(path, 'utf8'))
    if (!key) throw new Error(`${path} does not hold a 32-byte key (64 hex digits)`)
    return key
  }
  mkdirSync(dataDir, { recursive: true })
  const key = randomBytes(32)
  // wx: never overwrite a key another process wrote between our check and this write.
  try {
    writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadKey(undefined, dataDir)
    throw err
  }
  chmodSync(path, 0o600)
  return key
}

/** createSecretBox builds a SecretBox over a 32-byte key. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new RangeError('createSecretBox: the key must be 32 bytes')
  return {
    seal(plain, context) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(context, 'utf8'))
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      const tag = cipher.getAuthTag()
      return `${sealedPrefix}${Buffer.concat([iv, tag, data]).toString('base64')}`
    },
    open(sealed, context) {
      if (!sealed.startsWith(sealedPrefix)) throw new Error('not a sealed value')
      const raw = Buffer.from(sealed.slice(sealedPrefix.length), 'base64')
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(raw.subarray(12, 28))
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    },
  }
}
