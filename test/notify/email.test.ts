import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { email } from '../../src/notify/channels/email.ts'
import type { Notification, SendContext } from '../../src/notify/types.ts'
import { startSmtp, type SmtpServer } from './smtp-server.ts'

let smtp: SmtpServer
let refuse: string | undefined

beforeAll(async () => {
  smtp = await startSmtp({ users: { vigil: 'mail-password-1' }, mailReply: () => refuse })
})
afterAll(() => smtp.close())

const ctx: SendContext = {
  now: Date.now(),
  publicUrl: 'https://vigil.example.com',
  version: '0.1.0',
  timeoutMs: 5000,
}

const n: Notification = {
  key: 'inc-9:triggered:1|mail',
  event: 'triggered',
  channel: 'mail',
  createdAt: ctx.now,
  incident: {
    id: 'inc-9',
    fingerprint: 'disk-full:host=db-1',
    title: 'Disk <95%> full on db-1',
    severity: 'high',
    status: 'triggered',
    labels: { host: 'db-1' },
    annotations: { summary: 'df says 95%' },
    startedAt: Date.parse('2026-11-22T10:00:00Z'),
  },
}

const config = (over: Record<string, unknown> = {}) =>
  email.schema.parse({
    host: '127.0.0.1',
    port: smtp.port,
    username: 'vigil',
    password: 'mail-password-1',
    ca: smtp.cert,
    from: 'vigil@example.com',
    to: ['oncall@example.com', 'lead@example.com'],
    ...over,
  })

describe('email channel', () => {
  it('send() delivers over STARTTLS with AUTH a text and an HTML part', async () => {
    const result = await email.send(n, config(), ctx)
    expect(result).toMatchObject({ ok: true })
    const got = smtp.messages.at(-1)!
    expect(got).toMatchObject({
      from: 'vigil@example.com',
      to: ['oncall@example.com', 'lead@example.com'],
      tls: true,
      user: 'vigil',
    })
    expect(got.data).toContain('Subject: [TRIGGERED] high: Disk <95%> full on db-1')
    expect(got.data).toContain('X-Vigil-Delivery: inc-9:triggered:1|mail')
    expect(got.data).toMatch(/Content-Type: text\/plain/)
    expect(got.data).toMatch(/Content-Type: text\/html/)
    expect(got.data).toContain('https://vigil.example.com/incidents/inc-9')
    expect(got.data).toContain('Disk &lt;95%&gt; full')
  })

  it('send() fails for good on refused credentials and does not send', async () => {
    const before = smtp.messages.length
    const result = await email.send(n, config({ password: 'wrong-password' }), ctx)
    expect(result).toMatchObject({ ok: false, retry: false, status: 535 })
    expect(smtp.messages).toHaveLength(before)
  })

  it('send() retries a temporary 4xx and fails a 5xx for good', async () => {
    refuse = '451 4.3.0 try again later'
    expect(await email.send(n, config(), ctx)).toMatchObject({
      ok: false,
      retry: true,
      status: 451,
    })
    refuse = '550 5.1.0 sender rejected'
    expect(await email.send(n, config(), ctx)).toMatchObject({
      ok: false,
      retry: false,
      status: 550,
    })
    refuse = undefined
  })

  it('send() refuses a server it cannot verify when STARTTLS is required', async () => {
    const result = await email.send(n, config({ ca: undefined }), ctx)
    expect(result.ok).toBe(false)
    expect(smtp.messages.every((m) => m.tls)).toBe(true)
  })

  it('send() retries when nothing listens', async () => {
    const result = await email.send(n, config({ port: 1 }), { ...ctx, timeoutMs: 1000 })
    expect(result).toMatchObject({ ok: false, retry: true })
  })
})
