/**
 * The admin operations on users and tokens, shared by the API, the Settings pages and the CLI, so
 * each writes the same audit records. `actor` says who acts; `audit` writes the record.
 */
import type { AuditInput } from '../audit/types.ts'
import { ValidationError } from '../errors.ts'
import { parseDuration } from '../units.ts'
import type { Auth } from './service.ts'
import type { ApiToken, User } from './types.ts'

/** AuditSink writes one audit record with the actor already filled in. */
export type AuditSink = (input: Omit<AuditInput, 'actor' | 'actorType'>) => Promise<unknown>

/** parseExpiry reads `30d`, `12h` or an RFC 3339 time into epoch ms; undefined means never. */
export function parseExpiry(text: string | undefined, now: number): number | undefined {
  if (text === undefined || text === '' || text === 'never') return undefined
  const duration = parseDuration(text)
  if (duration !== undefined) {
    if (duration <= 0)
      throw new ValidationError('expiry must be in the future', { details: { field: 'expires' } })
    return now + duration
  }
  const at = Date.parse(text)
  if (Number.isNaN(at) || !/^\d{4}-\d\d-\d\dT/.test(text)) {
    throw new ValidationError('expires must be a duration such as 30d or an RFC 3339 time', {
      details: { field: 'expires' },
    })
  }
  return at
}

/** Admin performs audited changes to users and tokens. */
export class Admin {
  constructor(
    private readonly auth: Auth,
    private readonly audit: AuditSink,
    private readonly actor: string,
  ) {}

  /** addUser creates a user; without a password a random one is generated and returned once. */
  async addUser(
    username: string,
    role: string,
    password?: string,
  ): Promise<{ user: User; password?: string }> {
    const generated = password === undefined
    const secret = password ?? randomPassword()
    const user = await this.auth.users.create(username, secret, role)
    await this.audit({
      action: 'user.create',
      target: `user:${user.username}`,
      outcome: 'success',
      details: { role },
    })
    return generated ? { user, password: secret } : { user }
  }

  /** setRole changes a user's role. */
  async setRole(username: string, role: string): Promise<User> {
    const before = await this.auth.users.get(username)
    const user = await this.auth.users.setRole(username, role)
    await this.audit({
      action: 'user.set_role',
      target: `user:${user.username}`,
      outcome: 'success',
      details: { from: before.role, to: role },
    })
    return user
  }

  /** resetPassword sets a new password (random when none given, returned once). */
  async resetPassword(
    username: string,
    password?: string,
  ): Promise<{ user: User; password?: string }> {
    const secret = password ?? randomPassword()
    const user = await this.auth.users.resetPassword(username, secret)
    await this.audit({
      action: 'user.reset_password',
      target: `user:${user.username}`,
      outcome: 'success',
    })
    return password === undefined ? { user, password: secret } : { user }
  }

  /** setDisabled disables (ending every session) or enables a user. */
  async setDisabled(username: string, disabled: boolean): Promise<User> {
    const user = await this.auth.users.setDisabled(username, disabled)
    await this.audit({
      action: disabled ? 'user.disable' : 'user.enable',
      target: `user:${user.username}`,
      outcome: 'success',
    })
    return user
  }

  /** createToken makes an API token; the token itself is returned only here. */
  async createToken(
    name: string,
    scopes: string[],
    expires: string | undefined,
    now: number,
  ): Promise<{ token: string; record: ApiToken }> {
    const result = await this.auth.tokens.create({
      name,
      scopes,
      expiresAt: parseExpiry(expires, now),
      createdBy: this.actor,
    })
    await this.audit({
      action: 'token.create',
      target: `token:${name}`,
      outcome: 'success',
      details: { scopes: result.record.scopes, expires_at: result.record.expiresAt },
    })
    return result
  }

  /** revokeToken ends a token. */
  async revokeToken(name: string): Promise<ApiToken> {
    const token = await this.auth.tokens.revoke(name)
    await this.audit({ action: 'token.revoke', target: `token:${name}`, outcome: 'success' })
    return token
  }
}

/** randomPassword makes a password that passes the policy (24 URL-safe characters). */
export function randomPassword(): string {
  // 18 random bytes in base64url: 24 characters, 144 bits.
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64url')
}
