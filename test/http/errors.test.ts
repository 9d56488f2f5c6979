import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UpstreamError,
  ValidationError,
} from '../../src/errors.ts'
import { requires } from '../../src/auth/guard.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp

beforeAll(async () => {
  t = await makeApp()
  const errors: Record<string, () => Error> = {
    validation: () =>
      new ValidationError('limit must be at most 100', { details: { field: 'limit' } }),
    notfound: () => new NotFoundError('no incident 42'),
    conflict: () => new ConflictError('policy changed meanwhile'),
    forbidden: () => new ForbiddenError('needs policies:write'),
    ratelimited: () => new RateLimitedError('too many requests', 7),
    upstream: () => new UpstreamError('kubernetes said 500'),
    crash: () => new TypeError('undefined is not a function (secret internals)'),
  }
  t.app.get('/test/boom/:kind', requires('public'), (c) => {
    throw errors[c.req.param('kind')]!()
  })
  t.app.post('/test/echo', requires('public'), async (c) =>
    c.json({ bytes: (await c.req.arrayBuffer()).byteLength }),
  )
})
afterAll(() => t.close())

describe('error handler', () => {
  it.each([
    ['validation', 400, 'invalid_request', 'limit must be at most 100'],
    ['notfound', 404, 'not_found', 'no incident 42'],
    ['conflict', 409, 'conflict', 'policy changed meanwhile'],
    ['forbidden', 403, 'forbidden', 'needs policies:write'],
    ['ratelimited', 429, 'rate_limited', 'too many requests'],
    ['upstream', 502, 'upstream_error', 'kubernetes said 500'],
  ])('maps a thrown %s error to %p with code %p', async (kind, status, code, message) => {
    const res = await t.app.request(`/test/boom/${kind}`)
    expect(res.status).toBe(status)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe(code)
    expect(body.error.message).toBe(message)
  })

  it('keeps details and sets Retry-After on rate limiting', async () => {
    const bad = await t.app.request('/test/boom/validation')
    expect(await bad.json()).toEqual({
      error: {
        code: 'invalid_request',
        message: 'limit must be at most 100',
        details: { field: 'limit' },
      },
    })
    const limited = await t.app.request('/test/boom/ratelimited')
    expect(limited.headers.get('retry-after')).toBe('7')
  })

  it('answers an unexpected error with a 500 that hides its message and logs it', async () => {
    const res = await t.app.request('/test/boom/crash', { headers: { 'X-Request-Id': 'crash-1' } })
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toContain('secret internals')
    expect(JSON.parse(text).error.code).toBe('internal')
    const logged = t.lines.find((l) => l.msg === 'unhandled error')
    expect(logged?.request_id).toBe('crash-1')
    expect(JSON.stringify(logged)).toContain('secret internals')
  })

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await t.app.request('/api/v1/nothing-here', {
      headers: { ...t.headers, accept: 'text/html' },
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      error: { code: 'not_found', message: 'no route for GET /api/v1/nothing-here' },
    })
  })

  it('answers unknown pages with an HTML 404 for browsers', async () => {
    const res = await t.app.request('/no-such-page', {
      headers: { ...t.headers, accept: 'text/html' },
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toStartWith('text/html')
    expect(await res.text()).toContain('There is no page at <code>/no-such-page</code>')
  })

  it('refuses a body over the limit with 413 in the error shape', async () => {
    const limit = t.config.bodyLimit
    const ok = await t.app.request('/test/echo', { method: 'POST', body: new Uint8Array(1000) })
    expect(await ok.json()).toEqual({ bytes: 1000 })
    const res = await t.app.request('/test/echo', {
      method: 'POST',
      body: new Uint8Array(limit + 1),
    })
    expect(res.status).toBe(413)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('payload_too_large')
    expect(body.error.message).toContain('VIGIL_BODY_LIMIT')
  })
})

describe('AppError', () => {
  it('keeps a code given by the thrower over the class default', () => {
    expect(new ForbiddenError('no', { code: 'csrf' }).code).toBe('csrf')
    expect(new ForbiddenError('no').code).toBe('forbidden')
    expect(new RateLimitedError('slow', 3).code).toBe('rate_limited')
  })
})
