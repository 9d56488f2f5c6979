import { describe, expect, it } from 'bun:test'
import { createHmac } from 'node:crypto'
import { Hono } from 'hono'
import { MemoryReplayStore } from '../../src/auth/replay.ts'
import { signPayload, signatureHeader } from '../../src/auth/signature.ts'
import { InvalidSignatureError, requireSignature } from '../../src/auth/signed-requests.ts'
import { UnauthorizedError } from '../../src/errors.ts'
import { handleError } from '../../src/http/errors.ts'
import { createLogger } from '../../src/obs/logger.ts'

const secret = 'whsec_current'
const oldSecret = 'whsec_previous'
const nowMs = 1_800_000_000_500
const nowSeconds = Math.floor(nowMs / 1000)
const body = '{"event":"job.finished","id":42}'
const replayMessage = 'this signed request was already received (replay)'

function makeApp(options: { secrets?: string[]; clock?: { ms: number } } = {}) {
  const clock = options.clock ?? { ms: nowMs }
  const replay = new MemoryReplayStore()
  const app = new Hono()
  app.onError(handleError(createLogger('error', [])))
  app.post(
    '/hook',
    requireSignature({
      secrets: () => options.secrets ?? [secret],
      replay,
      now: () => clock.ms,
    }),
    async (c) => c.json({ got: await c.req.text() }),
  )
  return { app, replay, clock }
}

function signedHeaders(
  options: { key?: string; t?: number; payload?: string } = {},
): Record<string, string> {
  const signed = signPayload(
    options.key ?? secret,
    options.payload ?? body,
    options.t ?? nowSeconds,
  )
  return { [signatureHeader]: signed.header }
}

function post(app: Hono, headers: Record<string, string>, payload = body) {
  return app.request('/hook', { method: 'POST', headers, body: payload })
}

async function expectRefused(res: Response, reason: string, message: string) {
  expect(res.status).toBe(401)
  expect(await res.json()).toEqual({
    error: { code: 'invalid_signature', message, details: { reason } },
  })
}

describe('signed-requests', () => {
  it('InvalidSignatureError is a 401 UnauthorizedError with code invalid_signature', () => {
    const err = new InvalidSignatureError('signature does not match')
    expect(err).toBeInstanceOf(UnauthorizedError)
    expect([err.status, err.code]).toEqual([401, 'invalid_signature'])
  })

  it('requireSignature() passes a valid request on and the handler reads the body', async () => {
    const { app } = makeApp()
    const res = await post(app, signedHeaders())
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ got: body })
  })

  it('requireSignature() verifies a binary body byte for byte', async () => {
    const { app } = makeApp()
    const bytes = new Uint8Array([0, 255, 128, 10, 13])
    const signed = signPayload(secret, bytes, nowSeconds)
    const res = await app.request('/hook', {
      method: 'POST',
      headers: { [signatureHeader]: signed.header },
      body: bytes,
    })
    expect(res.status).toBe(200)
  })

  it('requireSignature() accepts a v1 computed independently over exactly "t.body"', async () => {
    const { app } = makeApp()
    const hex = createHmac('sha256', secret).update(`${nowSeconds}.${body}`).digest('hex')
    const res = await post(app, { [signatureHeader]: `t=${nowSeconds},v1=${hex}` })
    expect(res.status).toBe(200)
  })

  it('requireSignature() returns 401 invalid_signature when the signature is wrong', async () => {
    const { app } = makeApp()
    const res = await post(app, signedHeaders({ key: 'whsec_other' }))
    await expectRefused(res, 'mismatch', 'signature does not match')
  })

  it('requireSignature() returns 401 when the body was tampered with', async () => {
    const { app } = makeApp()
    const res = await post(app, signedHeaders(), body.replace('42', '43'))
    await expectRefused(res, 'mismatch', 'signature does not match')
  })

  it.each([
    ['too old', nowSeconds - 301],
    ['too far in the future', nowSeconds + 301],
  ])('requireSignature() returns 401 when the timestamp is %s', async (_, t) => {
    const { app } = makeApp()
    const res = await post(app, signedHeaders({ t }))
    await expectRefused(res, 'stale', 'signature timestamp is outside the 300 s tolerance')
  })

  it.each([
    ['300 s old', nowSeconds - 300],
    ['300 s ahead', nowSeconds + 300],
  ])('requireSignature() accepts a timestamp exactly %s', async (_, t) => {
    const { app } = makeApp()
    expect((await post(app, signedHeaders({ t }))).status).toBe(200)
  })

  it('requireSignature() returns 401 for a replay of an identical valid request', async () => {
    const { app } = makeApp()
    const headers = signedHeaders()
    expect((await post(app, headers)).status).toBe(200)
    await expectRefused(await post(app, headers), 'replay', replayMessage)
  })

  it('requireSignature() still refuses a replay in the last second of the tolerance', async () => {
    const clock = { ms: nowMs }
    const { app } = makeApp({ clock })
    const headers = signedHeaders()
    expect((await post(app, headers)).status).toBe(200)
    clock.ms = (nowSeconds + 300) * 1000 + 999
    await expectRefused(await post(app, headers), 'replay', replayMessage)
  })

  it('requireSignature() does not use up an id when the signature is wrong', async () => {
    const { app } = makeApp()
    expect((await post(app, signedHeaders({ key: 'whsec_forged' }))).status).toBe(401)
    expect((await post(app, signedHeaders())).status).toBe(200)
  })

  it('requireSignature() accepts two different bodies signed at the same second', async () => {
    const { app } = makeApp()
    const other = body.replace('42', '43')
    expect((await post(app, signedHeaders())).status).toBe(200)
    expect((await post(app, signedHeaders({ payload: other }), other)).status).toBe(200)
  })

  it('requireSignature() accepts the same body again once re-signed at a new second', async () => {
    const clock = { ms: nowMs }
    const { app } = makeApp({ clock })
    expect((await post(app, signedHeaders())).status).toBe(200)
    clock.ms += 1000
    expect((await post(app, signedHeaders({ t: nowSeconds + 1 }))).status).toBe(200)
  })

  it('requireSignature() accepts a request signed with any current secret', async () => {
    const { app } = makeApp({ secrets: [secret, oldSecret] })
    const res = await post(app, signedHeaders({ key: oldSecret }))
    expect(res.status).toBe(200)
  })

  it('requireSignature() refuses a rotated request replayed with only one v1 entry', async () => {
    const { app } = makeApp({ secrets: [secret, oldSecret] })
    const [newEntry, oldEntry] = [secret, oldSecret].map(
      (key) => signedHeaders({ key })[signatureHeader]?.split(',')[1] ?? '',
    )
    const both = { [signatureHeader]: `t=${nowSeconds},${newEntry},${oldEntry}` }
    expect((await post(app, both)).status).toBe(200)
    for (const entry of [oldEntry, newEntry]) {
      const one = { [signatureHeader]: `t=${nowSeconds},${entry}` }
      await expectRefused(await post(app, one), 'replay', replayMessage)
    }
  })

  it('requireSignature() returns 401 when X-Vigil-Signature is missing', async () => {
    const { app } = makeApp()
    await expectRefused(await post(app, {}), 'missing', 'X-Vigil-Signature is missing')
  })

  it('requireSignature() returns 401 when X-Vigil-Signature is malformed', async () => {
    const { app } = makeApp()
    const res = await post(app, { [signatureHeader]: 'garbage' })
    await expectRefused(
      res,
      'malformed',
      'X-Vigil-Signature is malformed; expected t=<unix seconds>,v1=<64 hex digits>',
    )
  })
})
