import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await makeApp()
})
afterAll(() => t.close())

describe('request-id', () => {
  it('requestId() echoes an acceptable incoming X-Request-Id', async () => {
    const res = await t.app.request('/healthz', { headers: { 'X-Request-Id': 'lb-7f3a:42' } })
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a:42')
  })

  it.each(['', 'has spaces', 'x'.repeat(129), 'quote"s', '<script>', 'a/b'])(
    'requestId() replaces the unacceptable id %p with a UUID',
    async (incoming) => {
      const res = await t.app.request('/healthz', { headers: { 'X-Request-Id': incoming } })
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    },
  )

  it('requestId() generates distinct ids and puts them in the access log', async () => {
    const a = (await t.app.request('/', { headers: t.headers })).headers.get('x-request-id')
    const b = (await t.app.request('/', { headers: t.headers })).headers.get('x-request-id')
    expect(a).not.toBe(b)
    const logged = t.lines.filter((l) => l.msg === 'request').map((l) => l.request_id)
    expect(logged).toContain(a)
    expect(logged).toContain(b)
  })

  it('requestId() sets the header on error responses too', async () => {
    const res = await t.app.request('/api/missing', {
      headers: { ...t.headers, 'X-Request-Id': 'err-1' },
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('x-request-id')).toBe('err-1')
  })
})
