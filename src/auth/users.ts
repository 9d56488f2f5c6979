/**
 * Users: create, list, change role, reset password, disable and enable, and password sign-in.
 * Disabling a user or resetting their password ends their sessions and refresh tokens.
 */
import { eq } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { refreshTokens, sessions, users } from '../db/schema.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { checkPassword, hashPassword, verifyPassword, type ScryptParams } from './password.ts'
import { isRole, type Role } from './permissions.ts'
import { randomSecret } from './secrets.ts'
import type { User } from './types.ts'

/** usernamePattern is what a username may look like. */
export const usernamePattern = /^[a-z0-9][a-z0-9._-]{1,63}$/

type Row = typeof users.$inferSelect

function toUser(row: Row): User {
  return {
    id: row.id,
    username: row.username,
    role: row.role as Role,
    disabled: row.disabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** UserStore manages users; every method takes the time from `now`. */
export class UserStore {
  // A hash to check against when the user does not exist, so timing does not tell.
  private dummyHash: Promise<string> | undefined

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    private readonly scrypt: ScryptParams,
  ) {}

  /** create adds a user after checking the name, role and password policy. */
  async create(username: string, password: string, role: string): Promise<User> {
    const name = username.trim().toLowerCase()
    if (!usernamePattern.test(name)) {
      throw new ValidationError(
        'username must be 2-64 characters: lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
        { details: { field: 'username' } },
      )
    }
    if (!isRole(role))
      throw new ValidationError(`unknown role "${role}"`, { details: { field: 'role' } })
    const problem = checkPassword(password, { username: name })
    if (problem) throw new ValidationError(problem, { details: { field: 'password' } })
    if (await this.findRow(name)) throw new ConflictError(`user ${name} already exists`)
    const now = this.now()
    const [row] = await this.db.orm
      .insert(users)
      .values({
        username: name,
        passwordHash: await hashPassword(password, this.scrypt),
        role,
        createdAt: now,
        updatedAt: now,
        passwordChangedAt: now,
      })
      .returning()
    return toUser(row!)
  }

  /** list returns every user, by name. */
  async list(): Promise<User[]> {
    return (await this.db.orm.select().from(users).orderBy(users.username)).map(toUser)
  }

  /** count returns how many users exist. */
  async count(): Promise<number> {
    return (await this.db.orm.select({ id: users.id }).from(users)).length
  }

  /** get returns the user with this name or throws NotFoundError. */
  async get(username: string): Promise<User> {
    const row = await this.findRow(username)
    if (!row) throw new NotFoundError(`no user ${username}`)
    return toUser(row)
  }

  /** byId returns the user with this id, if any. */
  async byId(id: number): Promise<User | undefined> {
    const [row] = await this.db.orm.select().from(users).where(eq(users.id, id))
    return row ? toUser(row) : undefined
  }

  /** setRole changes a user's role. */
  async setRole(username: string, role: string): Promise<User> {
    if (!isRole(role))
      throw new ValidationError(`unknown role "${role}"`, { details: { field: 'role' } })
    const user = await this.get(username)
    await this.db.orm
      .update(users)
      .set({ role, updatedAt: this.now() })
      .where(eq(users.id, user.id))
    return { ...user, role }
  }

  /** resetPassword sets a new password and ends the user's sessions and refresh tokens. */
  async resetPassword(username: string, next: string): Promise<User> {
    const user = await this.get(username)
    const problem = checkPassword(next, { username: user.username })
    if (problem) throw new ValidationError(problem, { details: { field: 'password' } })
    const now = this.now()
    await this.db.orm
      .update(users)
      .set({
        passwordHash: await hashPassword(next, this.scrypt),
        passwordChangedAt: now,
        updatedAt: now,
      })
      .where(eq(users.id, user.id))
    await this.endSessions(user.id)
    return user
  }

  /** setDisabled disables (ending every session) or re-enables a user. */
  async setDisabled(username: string, disabled: boolean): Promise<User> {
    const user = await this.get(username)
    await this.db.orm
      .update(users)
      .set({ disabled, updatedAt: this.now() })
      .where(eq(users.id, user.id))
    if (disabled) await this.endSessions(user.id)
    return { ...user, disabled }
  }

  /** authenticate checks a username and password; undefined when they do not match an enabled user. */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const row = await this.findRow(username.trim().toLowerCase())
    if (!row) {
      this.dummyHash ??= hashPassword(randomSecret(), this.scrypt)
      await verifyPassword(password, await this.dummyHash)
      return undefined
    }
    const ok = await verifyPassword(password, row.passwordHash)
    return ok && !row.disabled ? toUser(row) : undefined
  }

  private async findRow(username: string): Promise<Row | undefined> {
    const [row] = await this.db.orm.select().from(users).where(eq(users.username, username))
    return row
  }

  private async endSessions(userId: number): Promise<void> {
    await this.db.orm.delete(sessions).where(eq(sessions.userId, userId))
    await this.db.orm
      .update(refreshTokens)
      .set({ revokedAt: this.now() })
      .where(eq(refreshTokens.userId, userId))
  }
}
