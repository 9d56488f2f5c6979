/**
 * The compiled binary with undelivered notifications is killed with SIGKILL, some rows waiting
 * for a retry and some in the middle of a send; after a restart every notification reaches the
 * receiver exactly once. Also: the binary sends e-mail (nodemailer embedded) to a real SMTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { startReceiver, until, type Receiver } from '../notify/receiver.ts'
import { startSmtp, type SmtpServer } from '../notify/smtp-server.ts'
import { tempDir } from '../helpers/app.ts'
import { type VigilProcess, copyBinary, createToken, startVigil } from './process.ts'

const password = 'notify-crash-passphrase'
const notifications = 6
let dir: string
let binary: string
let token: string
let receiver: Receiver
let smtp: SmtpServer
const env = {
  VIGIL_ADMIN_PASSWORD: password,
  VIGIL_NOTIFY_TIMEOUT: '1s',
  VIGIL_NOTIFY_BACKOFF: '100ms',
  VIGIL_NOTIFY_BACKOFF_MAX: '300ms',
  VIGIL_NOTIFY_BREAKER_THRESHOLD: '1000',
}

beforeAll(async () => {
  dir = tempDir('vigil-notify-crash-')
  binary = copyBinary(dir)
  token = createToken(binary, {
    cwd: dir,
    env: { VIGIL_ADMIN_PASSWORD: password },
    name: 'ops',
    scopes: 'policies:read,policies:write,incidents:read',
  })
  expect(token).toStartWith('vgl_')
  receiver = startReceiver()
  smtp = await startSmtp({ users: {} })
})
afterAll(async () => {
  receiver.stop()
  await smtp.close()
  rmSync(dir, { recursive: true, force: true })
})

const start = () => startVigil([binary, '--port', '0', '--listen', '127.0.0.1'], { cwd: dir, env })

function api(vigil: VigilProcess, path: string, init: RequestInit = {}) {
  return fetch(`${vigil.url}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  })
}

describe('notifications across kill -9', () => {
  it('delivers every notification exactly once after a restart', async () => {
    // Before the kill: the receiver refuses every other request and leaves the rest hanging.
    let up = false
    const delivered = new Map<string, number>()
    receiver.respond = async (hit, n) => {
      if (!up) {
        if (n % 2 === 0) await Bun.sleep(3000)
        return new Response('down', { status: 503 })
      }
      const key = hit.headers['x-vigil-delivery']!
      delivered.set(key, (delivered.get(key) ?? 0) + 1)
      return new Response('ok')
    }
    let vigil = await start()
    const created = await api(vigil, '/api/v1/channels', {
      method: 'POST',
      body: JSON.stringify({ name: 'hook', type: 'webhook', config: { url: receiver.url } }),
    })
    expect(created.status).toBe(201)
    const keys: string[] = []
    for (let i = 0; i < notifications; i++) {
      const res = await api(vigil, '/api/v1/channels/hook/test', { method: 'POST' })
      expect(res.status).toBe(200)
      keys.push(((await res.json()) as { key: string }).key)
    }
    await Bun.sleep(200 + Math.random() * 500)
    vigil.proc.kill('SIGKILL')
    await vigil.proc.exited
    expect(delivered.size).toBe(0)

    up = true
    vigil = await start()
    try {
      // Rows caught mid-send wait for their lease (timeout + 5 s) to lapse.
      await until(() => delivered.size === notifications, 20_000)
      await Bun.sleep(1500)
      expect([...delivered.keys()].sort()).toEqual([...keys].sort())
      expect([...delivered.values()].every((count) => count === 1)).toBe(true)
      const res = await api(vigil, '/api/v1/notifications?incident=test:hook')
      const log = (await res.json()) as { notifications: { status: string; attempts: number }[] }
      expect(log.notifications).toHaveLength(notifications)
      expect(log.notifications.every((n) => n.status === 'delivered' && n.attempts >= 2)).toBe(true)
    } finally {
      expect(await vigil.stop()).toBe(0)
    }
  }, 60_000)

  it('sends e-mail from the compiled binary', async () => {
    const vigil = await start()
    try {
      const created = await api(vigil, '/api/v1/channels', {
        method: 'POST',
        body: JSON.stringify({
          name: 'mail',
          type: 'email',
          config: {
            host: '127.0.0.1',
            port: smtp.port,
            tls: 'starttls',
            ca: smtp.cert,
            from: 'vigil@example.com',
            to: ['oncall@example.com'],
          },
        }),
      })
      expect(created.status).toBe(201)
      const res = await api(vigil, '/api/v1/channels/mail/test', { method: 'POST' })
      expect(await res.json()).toMatchObject({ status: 'delivered', attempts: 1 })
      expect(smtp.messages).toHaveLength(1)
      expect(smtp.messages[0]).toMatchObject({ to: ['oncall@example.com'], tls: true })
      expect(smtp.messages[0]!.data).toContain(
        'Subject: [TEST] low: Test notification from vigil to mail',
      )
    } finally {
      await vigil.stop()
    }
  }, 30_000)
})
