/**
 * Request ids: an incoming `X-Request-Id` is kept when it looks like an id (so a proxy's id
 * threads through our logs), otherwise one is generated; either way it is echoed on the response.
 */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'

const acceptable = /^[A-Za-z0-9._:\-]{1,128}$/

/** requestId sets `c.var.requestId` and the `X-Request-Id` response header. */
export function requestId(): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id')
    const id = incoming && acceptable.test(incoming) ? incoming : randomUUID()
    c.set('requestId', id)
    c.header('X-Request-Id', id)
    await next()
    c.res.headers.set('X-Request-Id', id)
  }
}
