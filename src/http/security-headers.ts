/**
 * Security headers: a strict Content-Security-Policy on HTML (scripts only from our own origin,
 * no inline script), and the usual hardening headers on every response.
 */
import type { MiddlewareHandler } from 'hono'

/** contentSecurityPolicy is the CSP of every HTML page vigil serves. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** securityHeaders adds the headers after the handler has chosen its content type. */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next()
    const headers = c.res.headers
    headers.set('X-Content-Type-Options', 'nosniff')
    headers.set('Referrer-Policy', 'same-origin')
    if (headers.get('content-type')?.startsWith('text/html')) {
      headers.set('Content-Security-Policy', contentSecurityPolicy)
      headers.set('X-Frame-Options', 'DENY')
      headers.set('Cross-Origin-Opener-Policy', 'same-origin')
      if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store')
    }
  }
}
