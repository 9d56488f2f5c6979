/** Facts about the client of a request: its address and whether it came over TLS. */
import type { Context } from 'hono'
import type { AppEnv } from '../app-env.ts'

/** clientAddress is the peer address, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(c: Context<AppEnv>): string {
  if (c.var.deps.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded.slice(0, 64)
  }
  return c.env?.remoteAddress ?? 'unknown'
}

/** isSecure tells whether the client reached us over HTTPS. */
export function isSecure(c: Context<AppEnv>): boolean {
  if (c.var.deps.config.trustProxy && c.req.header('x-forwarded-proto') === 'https') return true
  return new URL(c.req.url).protocol === 'https:'
}

/** wantsPage tells whether a request is a browser navigation that should get HTML. */
export function wantsPage(c: Context): boolean {
  return (
    c.req.method === 'GET' &&
    !c.req.path.startsWith('/api/') &&
    (c.req.header('accept')?.includes('text/html') ?? false)
  )
}
