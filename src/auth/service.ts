/** The identity services bundled for the app and the CLI. */
import type { Database } from '../db/client.ts'
import { JwtIssuer } from './jwt.ts'
import { owaspScrypt, type ScryptParams } from './password.ts'
import { SessionStore } from './sessions.ts'
import { LoginThrottle } from './throttle.ts'
import { TokenStore } from './api-tokens.ts'
import { UserStore } from './users.ts'

/** Auth holds every identity store. */
export interface Auth {
  users: UserStore
  sessions: SessionStore
  tokens: TokenStore
  jwt: JwtIssuer
  throttle: LoginThrottle
}

/** createAuth builds the identity stores over the database. */
export function createAuth(
  db: Database,
  now: () => number,
  scrypt: ScryptParams = owaspScrypt,
): Auth {
  const users = new UserStore(db, now, scrypt)
  return {
    users,
    sessions: new SessionStore(db, users, now),
    tokens: new TokenStore(db, now),
    jwt: new JwtIssuer(db, now),
    throttle: new LoginThrottle(),
  }
}
