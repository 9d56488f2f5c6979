/**
 * Route access declarations. Every route says who may call it by putting `requires(...)` before
 * its handler: `public`, `authenticated`, or a permission. The app-wide `authorize` middleware
 * reads the declaration of the matched route before any route code runs; a route that declares
 * nothing is refused for everyone (fail closed), and the route-table test finds it.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { Permission } from './permissions.ts'

/**
 * Access is what a route demands of its caller. `signed` routes take no credentials: the route's
 * own `requireSignature` middleware checks an HMAC signature (external executors, webhooks).
 */
export type Access = Permission | 'public' | 'signed' | 'authenticated'

const declared = new WeakMap<object, Access>()

/** requires declares the access a route needs; the check itself happens in `authorize`. */
export function requires(access: Access): MiddlewareHandler {
  const marker: MiddlewareHandler = async (_c, next) => {
    await next()
  }
  declared.set(marker, access)
  return marker
}

/** RouteAccess is the declaration found for a request, or why there is none. */
export type RouteAccess = Access | 'undeclared' | 'unmatched'

/** routeAccess finds the declaration of the route that will answer this request. */
export function routeAccess(c: Context): RouteAccess {
  let routeMatched = false
  for (const route of matchedRoutes(c)) {
    const access = declared.get(route.handler)
    if (access) return access
    if (route.method !== 'ALL') routeMatched = true
  }
  return routeMatched ? 'undeclared' : 'unmatched'
}
