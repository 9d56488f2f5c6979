/**
 * The secret fields of a channel config: sealing them for storage, opening them, redacting them
 * for display, and keeping the stored value when an update sends back the redaction. Pure
 * except for the SecretBox's random nonces.
 */
import type { SecretBox } from './secret-box.ts'

/** redacted is what a secret looks like to a reader. */
export const redacted = '***'

type Config = Record<string, unknown>

const context = (channel: string, field: string) => `notify-channel:${channel}:${field}`

/** sealSecrets encrypts each secret field present (its JSON) for storage. */
export function sealSecrets(
  box: SecretBox,
  channel: string,
  config: Config,
  secrets: readonly string[],
): Config {
  const out = { ...config }
  for (const field of secrets) {
    if (out[field] === undefined) continue
    out[field] = box.seal(JSON.stringify(out[field]), context(channel, field))
  }
  return out
}

/** openSecrets decrypts the sealed fields of a stored config. */
export function openSecrets(
  box: SecretBox,
  channel: string,
  config: Config,
  secrets: readonly string[],
): Config {
  const out = { ...config }
  for (const field of secrets) {
    const value = out[field]
    if (typeof value !== 'string') continue
    out[field] = JSON.parse(box.open(value, context(channel, field)))
  }
  return out
}

/** redactSecrets replaces secret values with `***` (each value of a map, so keys stay visible). */
export function redactSecrets(config: Config, secrets: readonly string[]): Config {
  const out = { ...config }
  for (const field of secrets) {
    const value = out[field]
    if (value === undefined) continue
    out[field] =
      value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).map((k) => [k, redacted]))
        : redacted
  }
  return out
}

/**
 * keepRedacted fills in secrets an update sent back as `***` (or maps with `***` values) from
 * the current config, so a client can edit a channel without knowing its secrets.
 */
export function keepRedacted(
  next: Config,
  current: Config | undefined,
  secrets: readonly string[],
): Config {
  const out = { ...next }
  for (const field of secrets) {
    const value = out[field]
    const old = current?.[field]
    if (value === redacted) out[field] = old
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const oldMap = (old ?? {}) as Record<string, unknown>
      out[field] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [
          k,
          v === redacted ? oldMap[k] : v,
        ]),
      )
    }
  }
  return out
}
