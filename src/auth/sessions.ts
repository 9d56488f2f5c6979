/**
 * Dashboard sessions: a 256-bit random cookie value of which only the SHA-256 is stored, a CSRF
 * token per session, 12 h idle and 7 d absolute expiry. Logging out deletes the row, so the old
 * cookie is dead on the server, not just in the browser.
 */
import { eq, lt, or } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { sessions } from '../db/schema.ts'
import { randomSecret, sha256Hex } from './secrets.ts'
import type { User } from './types.ts'
import type { UserStore } from './users.ts'

/** sessionCookie is the name of the session cookie. */
export const sessionCookie = 'vigil_session'
/** sessionIdleMs is how long a session lives without use. */
export const sessionIdleMs = 12 * 3600_000
/** sessionAbsoluteMs is how long a session lives at most. */
export const sessionAbsoluteMs = 7 * 86_400_000

// Writing last_seen on every request would make every page view a write; a minute is plenty.
const touchEveryMs = 60_000

/** ActiveSession is a resolved session. */
export interface ActiveSession {
  user: User
  csrfToken: string
  expiresAt: number
}

/** SessionStore creates, resolves and ends sessions. */
export class SessionStore {
  constructor(
    private readonly db: Database,
    private readonly users: UserStore,
    private readonly now: () => number,
  ) {}

  /** create starts a session and returns the cookie value (shown only here). */
  async create(
    userId: number,
    meta: { clientAddress?: string | undefined; userAgent?: string | undefined },
  ): Promise<{ cookie: string; csrfToken: string; expiresAt: number }> {
    const now = this.now()
    const cookie = randomSecret(32)
    const csrfToken = randomSecret(32)
    const expiresAt = now + sessionAbsoluteMs
    await this.db.orm.insert(sessions).values({
      idHash: sha256Hex(cookie),
      userId,
      csrfToken,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      clientAddress: meta.clientAddress ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    })
    return { cookie, csrfToken, expiresAt }
  }

  /** resolve returns the live session behind a cookie value, touching its last use. */
  async resolve(cookie: string): Promise<ActiveSession | undefined> {
    if (cookie.length > 100) return undefined
    const idHash = sha256Hex(cookie)
    const [row] = await this.db.orm.select().from(sessions).where(eq(sessions.idHash, idHash))
    if (!row) return undefined
    const now = this.now()
    if (now >= row.expiresAt || now - row.lastSeenAt >= sessionIdleMs) {
      await this.db.orm.delete(sessions).where(eq(sessions.idHash, idHash))
      return undefined
    }
    const user = await this.users.byId(row.userId)
    if (!user || user.disabled) return undefined
    if (now - row.lastSeenAt >= touchEveryMs) {
      await this.db.orm.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash))
    }
    return {
      user,
      csrfToken: row.csrfToken,
      expiresAt: Math.min(row.expiresAt, now + sessionIdleMs),
    }
  }

  /** end deletes the session behind a cookie value. */
  async end(cookie: string): Promise<void> {
    await this.db.orm.delete(sessions).where(eq(sessions.idHash, sha256Hex(cookie)))
  }

  /** prune deletes expired sessions. */
  async prune(): Promise<void> {
    const now = this.now()
    await this.db.orm
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, now - sessionIdleMs)))
  }
}
