/**
 * Policies over HTTP: versioned CRUD (`/api/v1/policies`, JSON or YAML bodies, `If-Match` on the
 * version) and the status table (`/ui/policies`). Policies from files are read-only here. Every
 * change is audited as `policy.<verb>` with the paths it changed.
 */
import { Hono, type Context } from 'hono'
import { stringify } from 'yaml'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { auditRequest } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { NotFoundError, ValidationError } from '../errors.ts'
import { parseJson, parseQuery } from '../http/validate.ts'
import { readPolicyBody } from './body.ts'
import { kindNamed, policyKinds, type PolicyKind } from './kinds/index.ts'
import { auditAction } from './runner.ts'
import type { Changed } from './service.ts'
import { iso, policyRows, presentRow } from './summary.ts'
import type { Actor, PolicyVersion, StoredPolicy } from './types.ts'

/** presentPolicy is a policy as the API shows it. */
export function presentPolicy(p: StoredPolicy) {
  return {
    kind: p.kind,
    name: p.name,
    version: p.version,
    enabled: p.enabled,
    source: p.source,
    file: p.file,
    created_at: iso(p.createdAt),
    created_by: p.createdBy,
    updated_at: iso(p.updatedAt),
    updated_by: p.updatedBy,
    document: p.document,
  }
}

/** presentVersion is a kept version as the API shows it. */
export function presentVersion(v: PolicyVersion) {
  return {
    version: v.version,
    change: v.change,
    enabled: v.enabled,
    source: v.source,
    file: v.file,
    changed_by: v.changedBy,
    changed_by_type: v.changedByType,
    changed_at: iso(v.changedAt),
    document: v.document,
  }
}

const kindParam = z
  .string()
  .max(64)
  .transform((s, ctx) => {
    const kind = kindNamed(s)
    if (!kind) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${policyKinds.join(', ')}` })
      return z.NEVER
    }
    return kind
  })

const listQuery = z.object({
  kind: kindParam.optional(),
  enabled: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  source: z.enum(['api', 'file'], { error: 'must be api or file' }).optional(),
})

const patchBody = z.strictObject({ enabled: z.boolean({ error: 'must be true or false' }) })

function target(c: Context<AppEnv>): { kind: PolicyKind; name: string } {
  const kind = kindNamed(c.req.param('kind') ?? '')
  if (!kind) {
    throw new NotFoundError(
      `there is no policy kind ${c.req.param('kind')}; kinds: ${policyKinds.join(', ')}`,
    )
  }
  return { kind, name: (c.req.param('name') ?? '').slice(0, 253) }
}

/** ifMatch reads `If-Match: "3"` (or 3, W/"3"); `*` or nothing means any version. */
export function ifMatch(c: Context): number | undefined {
  const raw = c.req.header('if-match')?.trim()
  if (!raw || raw === '*') return undefined
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw)
  if (!m) throw new ValidationError('If-Match must be a policy version such as "3"')
  return Number(m[1])
}

/** actorOf is who makes a change through this request. */
export function actorOf(c: Context<AppEnv>): Actor {
  const p = c.var.principal!
  return { name: p.name, type: p.kind }
}

/** audited writes the audit record of a change (`policy.<verb>`) and sets its ETag. */
export async function audited(c: Context<AppEnv>, changed: Changed) {
  const p = changed.after ?? changed.before!
  await auditRequest(c, {
    action: auditAction[changed.change],
    target: `${p.kind}/${p.name}`,
    details: { version: changed.version, changes: changed.paths, source: 'api' },
  })
  c.header('ETag', `"${changed.version}"`)
}

/** policyRoutes is mounted at the root of the app. */
export const policyRoutes = new Hono<AppEnv>()
  .get('/api/v1/policies', requires('policies:read'), async (c) => {
    const q = parseQuery(c, listQuery)
    const list = await c.var.deps.policies.list({
      kind: q.kind,
      enabled: q.enabled === undefined ? undefined : q.enabled === 'true',
      source: q.source,
    })
    return c.json({ policies: list.map(presentPolicy) })
  })
  .post('/api/v1/policies', requires('policies:write'), async (c) => {
    const document = await readPolicyBody(c)
    const changed = await c.var.deps.policies.create(document, actorOf(c))
    await audited(c, changed)
    c.header('Location', `/api/v1/policies/${document.kind}/${document.metadata.name}`)
    return c.json(presentPolicy(changed.after!), 201)
  })
  .get('/api/v1/policies/:kind/:name', requires('policies:read'), async (c) => {
    const { kind, name } = target(c)
    const policy = await c.var.deps.policies.get(kind, name)
    c.header('ETag', `"${policy.version}"`)
    if (c.req.query('format') === 'yaml') {
      return c.body(stringify(policy.document), 200, { 'Content-Type': 'application/yaml' })
    }
    return c.json(presentPolicy(policy))
  })
  .put('/api/v1/policies/:kind/:name', requires('policies:write'), async (c) => {
    const { kind, name } = target(c)
    const document = await readPolicyBody(c)
    if (document.kind !== kind || document.metadata.name !== name) {
      throw new ValidationError(
        `the body is ${document.kind} ${document.metadata.name} but the URL names ${kind} ${name}; to rename, create the new one and delete the old`,
      )
    }
    const changed = await c.var.deps.policies.update(document, actorOf(c), { ifMatch: ifMatch(c) })
    await audited(c, changed)
    return c.json(presentPolicy(changed.after!))
  })
  .patch('/api/v1/policies/:kind/:name', requires('policies:write'), async (c) => {
    const { kind, name } = target(c)
    const body = await parseJson(c, patchBody)
    const changed = await c.var.deps.policies.setEnabled(kind, name, body.enabled, actorOf(c), {
      ifMatch: ifMatch(c),
    })
    await audited(c, changed)
    return c.json(presentPolicy(changed.after!))
  })
  .delete('/api/v1/policies/:kind/:name', requires('policies:write'), async (c) => {
    const { kind, name } = target(c)
    const changed = await c.var.deps.policies.remove(kind, name, actorOf(c), {
      ifMatch: ifMatch(c),
    })
    await audited(c, changed)
    return c.json({ kind, name, deleted: true, version: changed.version })
  })
  .get('/api/v1/policies/:kind/:name/versions', requires('policies:read'), async (c) => {
    const { kind, name } = target(c)
    const versions = await c.var.deps.policies.versions(kind, name)
    return c.json({ kind, name, versions: versions.map(presentVersion) })
  })
  .get('/ui/policies', requires('policies:read'), async (c) => {
    const { policies } = c.var.deps
    const rows = await policyRows(policies)
    const f = policies.files
    return c.json({
      policies: rows.map(presentRow),
      files: {
        paths: f.paths,
        loaded_at: iso(f.loadedAt),
        files: f.files,
        policies: f.policies,
        problems: f.problems,
      },
    })
  })
