/** @jsxImportSource hono/jsx */
/** The Settings pages: users (`users:manage`) and API tokens (`tokens:manage`), changed in place by htmx. */
import { Hono, type Context } from 'hono'
import {
  SettingsPage,
  TokensSection,
  UsersSection,
  type Flash,
} from '../../views/pages/settings.tsx'
import type { AppEnv } from '../app-env.ts'
import { renderPage } from '../dashboard/render.tsx'
import { AppError } from '../errors.ts'
import { adminFor } from './admin-routes.ts'
import { requires } from './guard.ts'

type Change = (c: Context<AppEnv>, form: Record<string, string | string[]>) => Promise<Flash>

function field(form: Record<string, string | string[]>, name: string): string {
  const value = form[name]
  return typeof value === 'string' ? value : ''
}

/** change runs an admin operation from a form and re-renders its section with the outcome. */
function change(section: 'users' | 'tokens', run: Change) {
  return async (c: Context<AppEnv>) => {
    const form = (await c.req.parseBody({ all: true })) as Record<string, string | string[]>
    let flash: Flash
    let status: 200 | 400 = 200
    try {
      flash = await run(c, form)
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err
      flash = { kind: 'error', text: err.message }
      status = 400
    }
    const { auth } = c.var.deps
    if (section === 'users') {
      return c.html(
        <UsersSection users={await auth.users.list()} flash={flash} self={c.var.principal!.name} />,
        status,
      )
    }
    return c.html(<TokensSection tokens={await auth.tokens.list()} flash={flash} />, status)
  }
}

/** settingsRoutes is mounted at the root of the app. */
export const settingsRoutes = new Hono<AppEnv>()
  .get('/dashboard/settings', requires('users:manage'), async (c) => {
    const { auth } = c.var.deps
    return renderPage(c, {
      title: 'Settings',
      active: 'settings',
      content: (
        <SettingsPage
          users={await auth.users.list()}
          tokens={await auth.tokens.list()}
          self={c.var.principal!.name}
        />
      ),
    })
  })
  .post(
    '/dashboard/settings/users',
    requires('users:manage'),
    change('users', async (c, form) => {
      const password = field(form, 'password') || undefined
      const result = await adminFor(c).addUser(
        field(form, 'username'),
        field(form, 'role'),
        password,
      )
      return result.password
        ? {
            kind: 'secret',
            text: `Added ${result.user.username}. Their password:`,
            secret: result.password,
          }
        : { kind: 'ok', text: `Added ${result.user.username}.` }
    }),
  )
  .post(
    '/dashboard/settings/users/:username/role',
    requires('users:manage'),
    change('users', async (c, form) => {
      const user = await adminFor(c).setRole(c.req.param('username')!, field(form, 'role'))
      return { kind: 'ok', text: `${user.username} is now ${user.role}.` }
    }),
  )
  .post(
    '/dashboard/settings/users/:username/disable',
    requires('users:manage'),
    change('users', async (c) => {
      const user = await adminFor(c).setDisabled(c.req.param('username')!, true)
      return { kind: 'ok', text: `Disabled ${user.username}; their sessions ended.` }
    }),
  )
  .post(
    '/dashboard/settings/users/:username/enable',
    requires('users:manage'),
    change('users', async (c) => {
      const user = await adminFor(c).setDisabled(c.req.param('username')!, false)
      return { kind: 'ok', text: `Enabled ${user.username}.` }
    }),
  )
  .post(
    '/dashboard/settings/users/:username/reset-password',
    requires('users:manage'),
    change('users', async (c) => {
      const result = await adminFor(c).resetPassword(c.req.param('username')!)
      return {
        kind: 'secret',
        text: `New password of ${result.user.username}:`,
        secret: result.password!,
      }
    }),
  )
  .post(
    '/dashboard/settings/tokens',
    requires('tokens:manage'),
    change('tokens', async (c, form) => {
      const raw = form.scopes
      const scopes = Array.isArray(raw) ? raw : raw ? [raw] : []
      const created = await adminFor(c).createToken(
        field(form, 'name'),
        scopes,
        field(form, 'expires') || undefined,
        c.var.deps.now(),
      )
      return {
        kind: 'secret',
        text: `Created ${created.record.name}. The token:`,
        secret: created.token,
      }
    }),
  )
  .post(
    '/dashboard/settings/tokens/:name/revoke',
    requires('tokens:manage'),
    change('tokens', async (c) => {
      const token = await adminFor(c).revokeToken(c.req.param('name')!)
      return { kind: 'ok', text: `Revoked ${token.name}.` }
    }),
  )
