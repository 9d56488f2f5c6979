/** The admin API for users (`users:manage`) and API tokens (`tokens:manage`). */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { auditRequest } from '../audit/record.ts'
import { parseJson } from '../http/validate.ts'
import { Admin } from './admin.ts'
import { requires } from './guard.ts'
import { roles } from './permissions.ts'

/** adminFor returns the admin operations acting as the request's principal. */
export function adminFor(c: Context<AppEnv>): Admin {
  return new Admin(c.var.deps.auth, (input) => auditRequest(c, input), c.var.principal!.name)
}

const newUser = z.object({
  username: z.string().max(64),
  role: z.enum(roles, { error: `must be one of ${roles.join(', ')}` }),
  password: z.string().max(128).optional(),
})
const userChange = z
  .object({
    role: z.enum(roles, { error: `must be one of ${roles.join(', ')}` }).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((v) => v.role !== undefined || v.disabled !== undefined, {
    error: 'give role or disabled',
  })
const newToken = z.object({
  name: z.string().max(64),
  scopes: z.array(z.string().max(64)).min(1).max(32),
  expires: z.string().max(40).optional(),
})

/** adminRoutes is mounted at the root of the app. */
export const adminRoutes = new Hono<AppEnv>()
  .get('/api/v1/users', requires('users:manage'), async (c) =>
    c.json({ users: await c.var.deps.auth.users.list() }),
  )
  .post('/api/v1/users', requires('users:manage'), async (c) => {
    const body = await parseJson(c, newUser)
    return c.json(await adminFor(c).addUser(body.username, body.role, body.password), 201)
  })
  .patch('/api/v1/users/:username', requires('users:manage'), async (c) => {
    const body = await parseJson(c, userChange)
    const admin = adminFor(c)
    const name = c.req.param('username')
    let user = await c.var.deps.auth.users.get(name)
    if (body.role !== undefined) user = await admin.setRole(name, body.role)
    if (body.disabled !== undefined) user = await admin.setDisabled(name, body.disabled)
    return c.json({ user })
  })
  .post('/api/v1/users/:username/reset-password', requires('users:manage'), async (c) => {
    const body = await parseJson(c, z.object({ password: z.string().max(128).optional() }))
    return c.json(await adminFor(c).resetPassword(c.req.param('username'), body.password))
  })
  .get('/api/v1/tokens', requires('tokens:manage'), async (c) =>
    c.json({ tokens: await c.var.deps.auth.tokens.list() }),
  )
  .post('/api/v1/tokens', requires('tokens:manage'), async (c) => {
    const body = await parseJson(c, newToken)
    const created = await adminFor(c).createToken(
      body.name,
      body.scopes,
      body.expires,
      c.var.deps.now(),
    )
    return c.json({ token: created.token, ...created.record }, 201)
  })
  .delete('/api/v1/tokens/:name', requires('tokens:manage'), async (c) =>
    c.json({ token: await adminFor(c).revokeToken(c.req.param('name')) }),
  )
