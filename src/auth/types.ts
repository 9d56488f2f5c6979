/** Plain types of identity and access. */
import type { Permission, Role } from './permissions.ts'

/** User is a person who can sign in (never carries the password hash). */
export interface User {
  id: number
  username: string
  role: Role
  disabled: boolean
  createdAt: number
  updatedAt: number
}

/** ApiToken describes a stored token (never the token itself). */
export interface ApiToken {
  id: number
  name: string
  prefix: string
  scopes: Permission[]
  createdBy: string
  createdAt: number
  expiresAt: number | null
  lastUsedAt: number | null
  revokedAt: number | null
}

/** Principal is who is making a request and what they may do. */
export interface Principal {
  kind: 'user' | 'token'
  name: string
  userId?: number
  role?: Role
  permissions: readonly Permission[]
  via: 'session' | 'jwt' | 'token'
  /** The CSRF token of the session, when authenticated by cookie. */
  csrfToken?: string
}
