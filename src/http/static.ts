/**
 * Serves the embedded assets under `/static/`. A request carrying the current `?v=` hash may be
 * cached for a year; any other is revalidated with the ETag, so an upgrade never serves stale files.
 */
import { Hono } from 'hono'
import { requires } from '../auth/guard.ts'
import { NotFoundError } from '../errors.ts'
import { assets } from '../runtime/assets.ts'

/** staticRoutes is the sub-app mounted at `/static`. */
export const staticRoutes = new Hono().get('/:file', requires('public'), (c) => {
  const name = c.req.param('file')
  const asset = Object.hasOwn(assets, name) ? assets[name] : undefined
  if (!asset) throw new NotFoundError(`no static file ${name}`)
  const etag = `"${asset.hash}"`
  const immutable = c.req.query('v') === asset.hash
  c.header('ETag', etag)
  c.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'public, no-cache')
  if (
    c.req
      .header('if-none-match')
      ?.split(/\s*,\s*/)
      .includes(etag)
  )
    return c.body(null, 304)
  c.header('Content-Type', asset.contentType)
  return c.body(asset.body)
})
