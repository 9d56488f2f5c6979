/**
 * API tokens: `vgl_` followed by 32 random bytes (base64url), shown once; only the SHA-256 is
 * stored, with scopes, expiry, last use and revocation.
 */
import { eq } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { apiTokens } from '../db/schema.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { isPermission, type Permission } from './permissions.ts'
import { randomSecret, sha256Hex } from './secrets.ts'
import type { ApiToken } from './types.ts'

/** tokenPrefix starts every API token, so scanners and people can recognise one. */
export const tokenPrefix = 'vgl_'

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
const touchEveryMs = 60_000

type Row = typeof apiTokens.$inferSelect

function toToken(row: Row): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as Permission[],
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  }
}

/** TokenStore creates, lists, revokes and resolves API tokens. */
export class TokenStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /** create makes a token and returns it (the only time it is seen) with its record. */
  async create(input: {
    name: string
    scopes: string[]
    expiresAt?: number | undefined
    createdBy: string
  }): Promise<{ token: string; record: ApiToken }> {
    if (!namePattern.test(input.name)) {
      throw new ValidationError(
        'token name must be 1-64 characters: letters, digits, ".", "_" or "-"',
        { details: { field: 'name' } },
      )
    }
    const unknown = input.scopes.filter((s) => !isPermission(s))
    if (unknown.length > 0) {
      throw new ValidationError(`unknown scope(s): ${unknown.join(', ')}`, {
        details: { field: 'scopes' },
      })
    }
    if (input.scopes.length === 0) {
      throw new ValidationError('a token needs at least one scope', {
        details: { field: 'scopes' },
      })
    }
    if (input.expiresAt !== undefined && input.expiresAt <= this.now()) {
      throw new ValidationError('expiry must be in the future', { details: { field: 'expires' } })
    }
    const [existing] = await this.db.orm
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.name, input.name))
    if (existing) throw new ConflictError(`a token named ${input.name} already exists`)
    const token = `${tokenPrefix}${randomSecret(32)}`
    const [row] = await this.db.orm
      .insert(apiTokens)
      .values({
        name: input.name,
        tokenHash: sha256Hex(token),
        prefix: token.slice(0, 8),
        scopes: [...new Set(input.scopes)],
        createdBy: input.createdBy,
        createdAt: this.now(),
        expiresAt: input.expiresAt ?? null,
      })
      .returning()
    return { token, record: toToken(row!) }
  }

  /** list returns every token, newest first. */
  async list(): Promise<ApiToken[]> {
    const rows = await this.db.orm.select().from(apiTokens).orderBy(apiTokens.id)
    return rows.map(toToken).reverse()
  }

  /** revoke ends a token by name; revoking twice is a no-op. */
  async revoke(name: string): Promise<ApiToken> {
    const [row] = await this.db.orm.select().from(apiTokens).where(eq(apiTokens.name, name))
    if (!row) throw new NotFoundError(`no token ${name}`)
    if (row.revokedAt !== null) return toToken(row)
    const now = this.now()
    await this.db.orm.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, row.id))
    return { ...toToken(row), revokedAt: now }
  }

  /** resolve returns the live token for a bearer value, recording its use. */
  async resolve(token: string): Promise<ApiToken | undefined> {
    if (!token.startsWith(tokenPrefix) || token.length > 100) return undefined
    const [row] = await this.db.orm
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.tokenHash, sha256Hex(token)))
    if (!row || row.revokedAt !== null) return undefined
    const now = this.now()
    if (row.expiresAt !== null && now >= row.expiresAt) return undefined
    if (row.lastUsedAt === null || now - row.lastUsedAt >= touchEveryMs) {
      await this.db.orm.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id))
    }
    return toToken(row)
  }
}
