/** @jsxImportSource hono/jsx */
/**
 * Signing in and out: the `/login` form and `/logout` for the dashboard (session cookie), and
 * `/api/v1/auth/login|refresh|logout|me` for API clients (JWT access + rotating refresh token).
 * Every attempt, good or bad, is audited; failures are throttled per account and address.
 */
import { Hono, type Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { z } from 'zod'
import { LoginPage } from '../../views/pages/login.tsx'
import type { AppEnv } from '../app-env.ts'
import { auditRequest } from '../audit/record.ts'
import { renderPage } from '../dashboard/render.tsx'
import { RateLimitedError, UnauthorizedError } from '../errors.ts'
import { clientAddress, isSecure } from '../http/client.ts'
import { parseJson } from '../http/validate.ts'
import { requires } from './guard.ts'
import { checkCsrf, checkSameOrigin, resolvePrincipal } from './middleware.ts'
import { sessionAbsoluteMs, sessionCookie } from './sessions.ts'
import type { User } from './types.ts'

const credentials = z.object({
  username: z.string().trim().min(1, { error: 'is required' }).max(64),
  password: z.string().min(1, { error: 'is required' }).max(1024),
})

/** safeNext keeps a post-login redirect on this site. */
export function safeNext(next: unknown): string {
  if (
    typeof next !== 'string' ||
    !next.startsWith('/') ||
    next.startsWith('//') ||
    next.includes('\\')
  ) {
    return '/'
  }
  return next.slice(0, 2000)
}

/**
 * attemptLogin checks credentials under the throttle and audits the outcome; it returns the user,
 * or a reason the caller turns into its own response.
 */
async function attemptLogin(
  c: Context<AppEnv>,
  username: string,
  password: string,
  via: 'session' | 'jwt',
): Promise<{ user: User } | { retryAfterMs: number } | { failed: true }> {
  const { auth, now } = c.var.deps
  const address = clientAddress(c)
  const account = username.trim().toLowerCase()
  const wait = auth.throttle.retryAfterMs(account, address, now())
  if (wait > 0) {
    await auditRequest(c, {
      action: 'auth.login',
      actor: account,
      outcome: 'denied',
      details: { via, reason: 'throttled', retry_after_s: Math.ceil(wait / 1000) },
    })
    return { retryAfterMs: wait }
  }
  const user = await auth.users.authenticate(account, password)
  if (!user) {
    auth.throttle.failed(account, address, now())
    await auditRequest(c, {
      action: 'auth.login',
      actor: account,
      outcome: 'failure',
      details: { via },
    })
    return { failed: true }
  }
  auth.throttle.succeeded(account, address)
  await auditRequest(c, { action: 'auth.login', actor: user.username, details: { via } })
  return { user }
}

/** authRoutes is mounted at the root of the app. */
export const authRoutes = new Hono<AppEnv>()
  .get('/login', requires('public'), async (c) => {
    const next = safeNext(c.req.query('next'))
    const principal = await resolvePrincipal(c).catch(() => undefined)
    if (principal?.via === 'session') return c.redirect(next, 302)
    return renderPage(c, { title: 'Sign in', active: '', content: <LoginPage next={next} /> })
  })
  .post('/login', requires('public'), async (c) => {
    checkSameOrigin(c)
    const form = await c.req.parseBody()
    const next = safeNext(form.next)
    const parsed = credentials.safeParse(form)
    if (!parsed.success) {
      return renderPage(
        c,
        {
          title: 'Sign in',
          active: '',
          content: <LoginPage next={next} error="Enter a username and a password." />,
        },
        400,
      )
    }
    const { username, password } = parsed.data
    const result = await attemptLogin(c, username, password, 'session')
    if ('retryAfterMs' in result) {
      const seconds = Math.ceil(result.retryAfterMs / 1000)
      c.header('Retry-After', String(seconds))
      const error = `Too many failed attempts. Try again in ${seconds} s.`
      return renderPage(
        c,
        {
          title: 'Sign in',
          active: '',
          content: <LoginPage next={next} username={username} error={error} />,
        },
        429,
      )
    }
    if ('failed' in result) {
      const error = 'Wrong username or password.'
      return renderPage(
        c,
        {
          title: 'Sign in',
          active: '',
          content: <LoginPage next={next} username={username} error={error} />,
        },
        401,
      )
    }
    const { auth } = c.var.deps
    // Rotate: whatever session the browser had ends here.
    const previous = getCookie(c, sessionCookie)
    if (previous) await auth.sessions.end(previous)
    const session = await auth.sessions.create(result.user.id, {
      clientAddress: clientAddress(c),
      userAgent: c.req.header('user-agent'),
    })
    setCookie(c, sessionCookie, session.cookie, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: isSecure(c),
      path: '/',
      maxAge: Math.floor(sessionAbsoluteMs / 1000),
    })
    return c.redirect(next, 303)
  })
  .post('/logout', requires('public'), async (c) => {
    const cookie = getCookie(c, sessionCookie)
    const principal = await resolvePrincipal(c).catch(() => undefined)
    if (cookie && principal?.via === 'session') {
      c.set('principal', principal)
      await checkCsrf(c, principal.csrfToken!)
      await c.var.deps.auth.sessions.end(cookie)
      await auditRequest(c, { action: 'auth.logout', details: { via: 'session' } })
    }
    deleteCookie(c, sessionCookie, { path: '/', secure: isSecure(c) })
    return c.redirect('/login', 303)
  })
  .post('/api/v1/auth/login', requires('public'), async (c) => {
    const { username, password } = await parseJson(c, credentials)
    const result = await attemptLogin(c, username, password, 'jwt')
    if ('retryAfterMs' in result) {
      throw new RateLimitedError(
        'too many failed logins; wait before trying again',
        Math.ceil(result.retryAfterMs / 1000),
      )
    }
    if ('failed' in result) throw new UnauthorizedError('wrong username or password')
    return c.json(await c.var.deps.auth.jwt.issue(result.user))
  })
  .post('/api/v1/auth/refresh', requires('public'), async (c) => {
    const { refreshToken } = await parseJson(
      c,
      z.object({ refreshToken: z.string().min(1).max(200) }),
    )
    const { auth } = c.var.deps
    try {
      const pair = await auth.jwt.refresh(refreshToken, (id) => auth.users.byId(id))
      await auditRequest(c, { action: 'auth.refresh', actor: 'refresh-token' })
      return c.json(pair)
    } catch (err) {
      await auditRequest(c, {
        action: 'auth.refresh',
        actor: 'refresh-token',
        outcome: 'denied',
        details: { reason: (err as Error).message },
      })
      throw err
    }
  })
  .post('/api/v1/auth/logout', requires('authenticated'), async (c) => {
    const { refreshToken } = await parseJson(
      c,
      z.object({ refreshToken: z.string().min(1).max(200) }),
    )
    await c.var.deps.auth.jwt.revoke(refreshToken)
    await auditRequest(c, { action: 'auth.logout', details: { via: 'jwt' } })
    return c.json({ loggedOut: true })
  })
  .get('/api/v1/auth/me', requires('authenticated'), (c) => {
    const p = c.var.principal!
    return c.json({
      name: p.name,
      kind: p.kind,
      role: p.role ?? null,
      permissions: p.permissions,
      via: p.via,
    })
  })
