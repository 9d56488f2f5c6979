import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeApp, tempDir, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'

let t: TestApp
const routingKey = 'R0123456789abcdefABCDEF012345678'
const slackUrl = 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX'

beforeAll(async () => {
  const dir = tempDir()
  const file = join(dir, 'notify.yaml')
  writeFileSync(
    file,
    [
      'channels:',
      '  - name: from-file',
      '    type: webhook',
      '    config: {url: "https://example.com/hook", secret: "file-secret-0123456789"}',
      'routes:',
      '  - {match: {team: web}, channels: [from-file]}',
    ].join('\n'),
  )
  t = await makeApp({ env: { VIGIL_NOTIFY_FILE: file } })
})
afterAll(() => t.close())

const json = (headers: Record<string, string>) => ({
  ...headers,
  'Content-Type': 'application/json',
})

async function post(body: unknown, headers = t.headers) {
  return t.app.request('/api/v1/channels', {
    method: 'POST',
    headers: json(headers),
    body: JSON.stringify(body),
  })
}

describe('/api/v1/channels', () => {
  it('creates a channel, stores its secrets encrypted and never returns them', async () => {
    const res = await post({ name: 'ops-slack', type: 'slack', config: { url: slackUrl } })
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(body).toMatchObject({
      name: 'ops-slack',
      type: 'slack',
      source: 'api',
      config: { url: '***' },
    })
    const row = await t.db.client.execute(
      "SELECT config FROM notify_channels WHERE name = 'ops-slack'",
    )
    const stored = String(row.rows[0]!.config)
    expect(stored).not.toContain('XXXXSECRETXXXX')
    expect(stored).toContain('vigil:aes256gcm:v1:')
    const list = await (await t.app.request('/api/v1/channels', { headers: t.headers })).text()
    expect(list).not.toContain('XXXXSECRETXXXX')
    const audit = await t.db.client.execute(
      "SELECT * FROM audit_log WHERE action = 'channel.create'",
    )
    expect(audit.rows).toHaveLength(1)
    expect(JSON.stringify(audit.rows)).not.toContain('XXXXSECRETXXXX')
    expect(t.lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain('XXXXSECRETXXXX')
  })

  it('keeps a secret sent back as *** on update and replaces it when a new one is sent', async () => {
    await post({
      name: 'pd',
      type: 'pagerduty',
      config: { routing_key: routingKey, source: 'vigil-prod' },
    })
    const put = (config: unknown) =>
      t.app.request('/api/v1/channels/pd', {
        method: 'PUT',
        headers: json(t.headers),
        body: JSON.stringify({ type: 'pagerduty', config, rate_limit: 10 }),
      })
    const kept = await put({ routing_key: '***', source: 'vigil-staging' })
    expect(kept.status).toBe(200)
    expect(await kept.json()).toMatchObject({ rate_limit: 10, config: { source: 'vigil-staging' } })
    const channel = await t.notifier.directory.get('pd')
    expect((channel!.config as { routing_key: string }).routing_key).toBe(routingKey)
    expect((await put({ routing_key: 'short' })).status).toBe(400)
  })

  it.each([
    [{ name: 'x', type: 'sms', config: {} }, 'type'],
    [{ name: 'bad name!', type: 'slack', config: { url: slackUrl } }, 'name'],
    [{ name: 'w', type: 'webhook', config: { url: 'ftp://example.com' } }, 'config.url'],
    [
      { name: 'w', type: 'webhook', config: { url: 'https://e.com', secret: 'short' } },
      'config.secret',
    ],
    [{ name: 'w', type: 'webhook', config: { url: 'https://e.com', extra: 1 } }, 'config'],
    [
      { name: 'e', type: 'email', config: { host: 'smtp', from: 'nope', to: ['a@b.co'] } },
      'config.from',
    ],
    [{ name: 'p', type: 'pagerduty', config: { routing_key: 'abc' } }, 'config.routing_key'],
  ])('refuses %j with a 400 naming %s', async (body, path) => {
    const res = await post(body)
    expect(res.status).toBe(400)
    const err = (await res.json()) as { error: { code: string; message: string } }
    expect(err.error.code).toBe('invalid_request')
    expect(err.error.message).toContain(path)
  })

  it('answers 400 to a body that is not JSON, 409 to a name taken, 404 to an unknown channel', async () => {
    const bad = await t.app.request('/api/v1/channels', {
      method: 'POST',
      headers: json(t.headers),
      body: '{',
    })
    expect(bad.status).toBe(400)
    expect(
      (await post({ name: 'ops-slack', type: 'slack', config: { url: slackUrl } })).status,
    ).toBe(409)
    expect(
      (await post({ name: 'from-file', type: 'slack', config: { url: slackUrl } })).status,
    ).toBe(409)
    expect((await t.app.request('/api/v1/channels/nope', { headers: t.headers })).status).toBe(404)
  })

  it('lists channels from the notify file as read-only and refuses to change them', async () => {
    const res = await t.app.request('/api/v1/channels/from-file', { headers: t.headers })
    expect(await res.json()).toMatchObject({
      source: 'file',
      read_only: true,
      config: { url: 'https://example.com/hook', secret: '***' },
    })
    const del = await t.app.request('/api/v1/channels/from-file', {
      method: 'DELETE',
      headers: t.headers,
    })
    expect(del.status).toBe(409)
  })

  it('deletes a channel and audits it', async () => {
    await post({ name: 'gone', type: 'slack', config: { url: slackUrl } })
    const del = await t.app.request('/api/v1/channels/gone', {
      method: 'DELETE',
      headers: t.headers,
    })
    expect(del.status).toBe(204)
    expect((await t.app.request('/api/v1/channels/gone', { headers: t.headers })).status).toBe(404)
    const audit = await t.db.client.execute(
      "SELECT * FROM audit_log WHERE action = 'channel.delete'",
    )
    expect(audit.rows[0]!.target).toBe('gone')
  })

  it('needs policies:read to list, policies:write to change, incidents:read for the log', async () => {
    const reader = await bearer(t, ['policies:read'])
    expect((await t.app.request('/api/v1/channels', { headers: reader })).status).toBe(200)
    expect(
      (await post({ name: 'r', type: 'slack', config: { url: slackUrl } }, reader)).status,
    ).toBe(403)
    const test = await t.app.request('/api/v1/channels/ops-slack/test', {
      method: 'POST',
      headers: reader,
    })
    expect(test.status).toBe(403)
    const none = await bearer(t, ['incidents:read'])
    expect((await t.app.request('/api/v1/channels', { headers: none })).status).toBe(403)
    const q = await t.app.request('/api/v1/notifications?incident=x', { headers: none })
    expect(q.status).toBe(200)
    expect((await t.app.request('/api/v1/notifications', { headers: none })).status).toBe(400)
  })
})
