/** @jsxImportSource hono/jsx */
/** The Channels page route, and its "Send test" form: a test notification through the outbox, then its outcome. */
import { Hono, type Context } from 'hono'
import { ChannelsPage, type ChannelRow } from '../../views/pages/channels.tsx'
import type { AppEnv } from '../app-env.ts'
import { auditRequest } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { grants } from '../auth/permissions.ts'
import { renderPage } from '../dashboard/render.tsx'
import { AppError } from '../errors.ts'

async function page(
  c: Context<AppEnv>,
  flash?: { kind: 'ok' | 'error'; text: string },
  status: 200 | 400 | 404 = 200,
) {
  const { directory } = c.var.deps.notifier
  const channels = (await directory.all()).map((ch) => directory.present(ch)) as ChannelRow[]
  return renderPage(
    c,
    {
      title: 'Channels',
      active: 'policies',
      content: (
        <ChannelsPage
          channels={channels}
          canWrite={grants(c.var.principal?.permissions ?? [], 'policies:write')}
          csrfToken={c.var.principal?.csrfToken}
          flash={flash}
        />
      ),
    },
    status,
  )
}

/** channelsPageRoutes is mounted at the root of the app. */
export const channelsPageRoutes = new Hono<AppEnv>()
  .get('/dashboard/channels', requires('policies:read'), (c) => page(c))
  .post('/dashboard/channels/:name/test', requires('policies:write'), async (c) => {
    const name = c.req.param('name').slice(0, 128)
    try {
      const row = await c.var.deps.notifier.test(name)
      await auditRequest(c, {
        action: 'channel.test',
        target: name,
        outcome: row.status === 'failed' ? 'failure' : 'success',
        details: { status: row.status, last_status: row.lastStatus, via: 'dashboard' },
      })
      const ok = row.status === 'delivered'
      const detail = row.lastError
        ? `: ${row.lastError}`
        : row.lastStatus
          ? ` (HTTP ${row.lastStatus})`
          : ''
      return page(c, {
        kind: ok ? 'ok' : 'error',
        text: ok
          ? `Test sent to ${name}${detail}.`
          : `The test to ${name} is ${row.status}${detail}.`,
      })
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err
      return page(c, { kind: 'error', text: err.message }, err.status === 404 ? 404 : 400)
    }
  })
