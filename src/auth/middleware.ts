/**
 * Authentication and authorisation for every request: resolves the principal (API token, JWT or
 * session cookie), enforces the matched route's declared access, checks CSRF on cookie-borne state
 * changes, and audits every state-changing call that a handler did not audit itself.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from '../app-env.ts'
import { auditRequest } from '../audit/record.ts'
import { ForbiddenError, UnauthorizedError } from '../errors.ts'
import { routeLabel } from '../obs/http.ts'
import { wantsPage } from '../http/client.ts'
import { routeAccess } from './guard.ts'
import { grants, rolePermissions } from './permissions.ts'
import { constantTimeEqual } from './secrets.ts'
import { sessionCookie } from './sessions.ts'
import { tokenPrefix } from './api-tokens.ts'
import type { Principal } from './types.ts'

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** csrfHeader carries the session's CSRF token on htmx and fetch requests. */
export const csrfHeader = 'X-CSRF-Token'
/** csrfField carries it in plain HTML form posts. */
export const csrfField = '_csrf'

/** resolvePrincipal finds who is calling; a present but bad bearer credential is a 401. */
export async function resolvePrincipal(c: Context<AppEnv>): Promise<Principal | undefined> {
  const { auth } = c.var.deps
  const header = c.req.header('authorization')
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"')
    const value = match[1]!
    if (value.startsWith(tokenPrefix)) {
      const token = await auth.tokens.resolve(value)
      if (!token) throw new UnauthorizedError('the API token is invalid, expired or revoked')
      return { kind: 'token', name: token.name, permissions: token.scopes, via: 'token' }
    }
    const userId = await auth.jwt.verifyAccess(value)
    const user = userId === undefined ? undefined : await auth.users.byId(userId)
    if (!user || user.disabled) {
      throw new UnauthorizedError(
        'the access token is invalid or expired; refresh it or log in again',
      )
    }
    return {
      kind: 'user',
      name: user.username,
      userId: user.id,
      role: user.role,
      permissions: rolePermissions[user.role],
      via: 'jwt',
    }
  }
  const cookie = getCookie(c, sessionCookie)
  if (!cookie) return undefined
  const session = await auth.sessions.resolve(cookie)
  if (!session) return undefined
  return {
    kind: 'user',
    name: session.user.username,
    userId: session.user.id,
    role: session.user.role,
    permissions: rolePermissions[session.user.role],
    via: 'session',
    csrfToken: session.csrfToken,
  }
}

/** authorize enforces the access that the matched route declares. */
export function authorize(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const access = routeAccess(c)
    // Public routes do not look up the caller (static files would cost a session read each);
    // the few that care (login, logout) call resolvePrincipal themselves.
    if (access === 'public' || access === 'signed') return next()
    const principal = await resolvePrincipal(c)
    if (!principal) return unauthenticated(c)
    c.set('principal', principal)
    if (principal.via === 'session' && stateChanging.has(c.req.method)) {
      await checkCsrf(c, principal.csrfToken!)
    }
    if (access === 'undeclared') {
      c.var.deps.logger.error('route declares no access; refused', {
        method: c.req.method,
        path: c.req.path,
      })
      throw new ForbiddenError('this route declares no access rule, so it is refused for everyone')
    }
    if (
      access !== 'authenticated' &&
      access !== 'unmatched' &&
      !grants(principal.permissions, access)
    ) {
      throw new ForbiddenError(`this needs the permission ${access}`, {
        details: { permission: access },
      })
    }
    await next()
  }
}

function unauthenticated(c: Context<AppEnv>): Response {
  if (wantsPage(c)) {
    const next = c.req.path + (new URL(c.req.url).search || '')
    return c.redirect(`/login?next=${encodeURIComponent(next)}`, 302)
  }
  if (c.req.header('hx-request') === 'true') c.header('HX-Redirect', '/login')
  throw new UnauthorizedError(
    'authentication required: log in, or send Authorization: Bearer <token>',
  )
}

/** checkCsrf refuses cross-site or token-less state changes made with the session cookie. */
export async function checkCsrf(c: Context<AppEnv>, expected: string): Promise<void> {
  checkSameOrigin(c)
  let token = c.req.header(csrfHeader)
  if (!token) {
    const type = c.req.header('content-type') ?? ''
    if (
      type.startsWith('application/x-www-form-urlencoded') ||
      type.startsWith('multipart/form-data')
    ) {
      // `all: true` as every form handler here uses it: Hono caches the first parse, options and all.
      const field = [(await c.req.parseBody({ all: true }))[csrfField]].flat()[0]
      token = typeof field === 'string' ? field : undefined
    }
  }
  if (!token || !constantTimeEqual(token, expected)) {
    throw new ForbiddenError(`missing or wrong CSRF token (send the ${csrfHeader} header)`, {
      code: 'csrf',
    })
  }
}

/** checkSameOrigin refuses requests that the browser says came from another site. */
export function checkSameOrigin(c: Context<AppEnv>): void {
  const site = c.req.header('sec-fetch-site')
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new ForbiddenError('cross-site request refused', { code: 'csrf' })
  }
  const origin = c.req.header('origin')
  if (origin) {
    const forwardedHost = c.var.deps.config.trustProxy
      ? c.req.header('x-forwarded-host')
      : undefined
    const host = forwardedHost ?? c.req.header('host') ?? new URL(c.req.url).host
    let originHost: string
    try {
      originHost = new URL(origin).host
    } catch {
      originHost = ''
    }
    if (originHost !== host)
      throw new ForbiddenError('cross-origin request refused', { code: 'csrf' })
  }
}

/** auditStateChanges records every POST/PUT/PATCH/DELETE by a known caller that was not audited. */
export function auditStateChanges(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next()
    if (!stateChanging.has(c.req.method) || c.var.audited || !c.var.principal) return
    const status = c.res.status
    await auditRequest(c, {
      action: `http.${c.req.method.toLowerCase()}`,
      target: routeLabel(c),
      outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
      details: { path: c.req.path, status },
    })
  }
}
