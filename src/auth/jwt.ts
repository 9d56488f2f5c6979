/**
 * API logins with short-lived JWTs: an HS256 access token (15 min) and an opaque refresh token
 * (stored hashed) that rotates on every use. Presenting a refresh token that was already used
 * revokes its whole family, so a stolen and replayed token ends the login it came from.
 */
import { and, eq, isNull } from 'drizzle-orm'
import { sign, verify } from 'hono/jwt'
import type { Database } from '../db/client.ts'
import { meta, refreshTokens } from '../db/schema.ts'
import { UnauthorizedError } from '../errors.ts'
import { randomSecret, sha256Hex } from './secrets.ts'
import type { User } from './types.ts'

/** accessTokenSeconds is the lifetime of an access token. */
export const accessTokenSeconds = 15 * 60
/** refreshTokenMs is the lifetime of a refresh token. */
export const refreshTokenMs = 7 * 86_400_000

/** TokenPair is what a login or a refresh returns. */
export interface TokenPair {
  accessToken: string
  refreshToken: string
  expiresIn: number
}

const keyName = 'jwt_signing_key'

/** JwtIssuer signs and checks access tokens and rotates refresh tokens. */
export class JwtIssuer {
  private key: Promise<string> | undefined

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {}

  /** issue starts a new login family for the user. */
  async issue(user: User): Promise<TokenPair> {
    return this.pair(user, randomSecret(16))
  }

  /** verifyAccess returns the user id of a valid, unexpired access token. */
  async verifyAccess(token: string): Promise<number | undefined> {
    try {
      const payload = await verify(token, await this.signingKey(), {
        alg: 'HS256',
        exp: false,
        iat: false,
        nbf: false,
      })
      if (payload.typ !== 'access' || typeof payload.exp !== 'number') return undefined
      if (this.now() >= payload.exp * 1000) return undefined
      const id = Number(payload.sub)
      return Number.isInteger(id) ? id : undefined
    } catch {
      return undefined
    }
  }

  /** refresh trades a refresh token for a new pair; `user` re-reads the user (disabled users fail). */
  async refresh(
    token: string,
    user: (id: number) => Promise<User | undefined>,
  ): Promise<TokenPair> {
    const hash = sha256Hex(token)
    const [row] = await this.db.orm
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hash))
    const now = this.now()
    if (!row || row.revokedAt !== null || now >= row.expiresAt) {
      throw new UnauthorizedError('refresh token is invalid, expired or revoked; log in again')
    }
    const claimed = await this.db.orm
      .update(refreshTokens)
      .set({ usedAt: now })
      .where(and(eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.usedAt)))
      .returning({ hash: refreshTokens.tokenHash })
    if (claimed.length === 0) {
      await this.revokeFamily(row.familyId)
      throw new UnauthorizedError(
        'refresh token was already used; this login has been ended, log in again',
        {
          code: 'refresh_token_reused',
        },
      )
    }
    const owner = await user(row.userId)
    if (!owner || owner.disabled) throw new UnauthorizedError('user is disabled')
    return this.pair(owner, row.familyId)
  }

  /** revoke ends the login family of a refresh token; unknown tokens are ignored. */
  async revoke(token: string): Promise<void> {
    const [row] = await this.db.orm
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, sha256Hex(token)))
    if (row) await this.revokeFamily(row.familyId)
  }

  private async revokeFamily(familyId: string) {
    await this.db.orm
      .update(refreshTokens)
      .set({ revokedAt: this.now() })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
  }

  private async pair(user: User, familyId: string): Promise<TokenPair> {
    const now = this.now()
    const iat = Math.floor(now / 1000)
    const accessToken = await sign(
      {
        sub: String(user.id),
        name: user.username,
        role: user.role,
        typ: 'access',
        iat,
        exp: iat + accessTokenSeconds,
        jti: randomSecret(12),
      },
      await this.signingKey(),
      'HS256',
    )
    const refreshToken = `vglr_${randomSecret(32)}`
    await this.db.orm.insert(refreshTokens).values({
      tokenHash: sha256Hex(refreshToken),
      familyId,
      userId: user.id,
      createdAt: now,
      expiresAt: now + refreshTokenMs,
    })
    return { accessToken, refreshToken, expiresIn: accessTokenSeconds }
  }

  private signingKey(): Promise<string> {
    this.key ??= (async () => {
      const candidate = randomSecret(32)
      await this.db.orm
        .insert(meta)
        .values({ key: keyName, value: candidate, updatedAt: this.now() })
        .onConflictDoNothing()
      const [row] = await this.db.orm.select().from(meta).where(eq(meta.key, keyName))
      return row!.value
    })()
    return this.key
  }
}
