/** @jsxImportSource hono/jsx */
/**
 * The Policies pages: the status table, one policy's YAML and history, and the YAML editor whose
 * form posts (with the session's CSRF token) create, update, enable or disable API policies.
 */
import { Hono, type Context } from 'hono'
import { stringify } from 'yaml'
import { PoliciesPage, policyUrl } from '../../views/pages/policies.tsx'
import { PolicyEditor, PolicyPage, type EditorProps } from '../../views/pages/policy.tsx'
import type { AppEnv } from '../app-env.ts'
import { requires } from '../auth/guard.ts'
import { grants } from '../auth/permissions.ts'
import { renderPage } from '../dashboard/render.tsx'
import { AppError, NotFoundError, ValidationError } from '../errors.ts'
import { fromYaml, maxPolicyBytes, type BodyIssue } from './body.ts'
import { kindNamed, type PolicyKind } from './kinds/index.ts'
import { actorOf, audited } from './routes.ts'
import { policyRows } from './summary.ts'

const example = `apiVersion: vigil/v1
kind: AlertRule
metadata:
  name: high-cpu
  labels: {team: web}
spec:
  expr: avg by (host) (node_cpu_usage_percent) > 90
  for: 1m
  severity: high
  annotations: {summary: "CPU at {{ $value }}% on {{ $labels.host }}"}
  notify: []
`

function target(c: Context<AppEnv>): { kind: PolicyKind; name: string } {
  const kind = kindNamed(c.req.param('kind') ?? '')
  if (!kind) throw new NotFoundError(`there is no policy kind ${c.req.param('kind')}`)
  return { kind, name: (c.req.param('name') ?? '').slice(0, 253) }
}

function canWrite(c: Context<AppEnv>): boolean {
  return grants(c.var.principal?.permissions ?? [], 'policies:write')
}

function field(form: Record<string, unknown>, name: string): string {
  const v = form[name]
  return typeof v === 'string' ? v : ''
}

function editor(c: Context<AppEnv>, props: Omit<EditorProps, 'csrf'>, status: 200 | 400 | 409) {
  return renderPage(
    c,
    {
      title: props.editing ? `Edit ${props.editing.name}` : 'New policy',
      active: 'policies',
      content: <PolicyEditor {...props} csrf={c.var.principal?.csrfToken} />,
    },
    status,
  )
}

/** policiesPageRoutes is mounted at the root of the app. */
export const policiesPageRoutes = new Hono<AppEnv>()
  .get('/dashboard/policies', requires('policies:read'), async (c) => {
    const { policies } = c.var.deps
    const rows = await policyRows(policies)
    return renderPage(c, {
      title: 'Policies',
      active: 'policies',
      content: <PoliciesPage rows={rows} files={policies.files} canWrite={canWrite(c)} />,
    })
  })
  .get('/dashboard/policies/new', requires('policies:write'), (c) =>
    editor(c, { yaml: example }, 200),
  )
  .get('/dashboard/policies/:kind/:name', requires('policies:read'), async (c) => {
    const { kind, name } = target(c)
    const { policies } = c.var.deps
    const policy = await policies.get(kind, name)
    const row = (await policyRows(policies)).find(
      (r) => r.policy.kind === kind && r.policy.name === name,
    )!
    return renderPage(c, {
      title: `${kind} ${name}`,
      active: 'policies',
      content: (
        <PolicyPage
          row={row}
          yaml={stringify(policy.document)}
          versions={await policies.versions(kind, name)}
          canWrite={canWrite(c)}
          csrf={c.var.principal?.csrfToken}
        />
      ),
    })
  })
  .get('/dashboard/policies/:kind/:name/edit', requires('policies:write'), async (c) => {
    const { kind, name } = target(c)
    const policy = await c.var.deps.policies.get(kind, name)
    return editor(
      c,
      { yaml: stringify(policy.document), editing: { kind, name, version: policy.version } },
      200,
    )
  })
  .post('/dashboard/policies/save', requires('policies:write'), async (c) => {
    const form = await c.req.parseBody({ all: true })
    const yaml = field(form, 'yaml')
    const kind = kindNamed(field(form, 'kind'))
    const name = field(form, 'name').slice(0, 253)
    const version = Number(field(form, 'version'))
    const editing = kind && name ? { kind, name, version } : undefined
    const { policies } = c.var.deps
    try {
      if (yaml.length > maxPolicyBytes) throw new ValidationError('a policy is at most 1 MiB')
      const document = fromYaml(yaml)
      if (editing && (document.kind !== editing.kind || document.metadata.name !== editing.name)) {
        throw new ValidationError(
          `this edits ${editing.kind} ${editing.name}; the YAML is ${document.kind} ${document.metadata.name}`,
        )
      }
      const changed = editing
        ? await policies.update(document, actorOf(c), {
            ifMatch: Number.isInteger(version) && version > 0 ? version : undefined,
          })
        : await policies.create(document, actorOf(c))
      await audited(c, changed)
      return c.redirect(policyUrl(document.kind, document.metadata.name), 303)
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err
      const issues = (err.details as { issues?: BodyIssue[] } | undefined)?.issues
      return editor(
        c,
        { yaml, editing, error: err.message, issues },
        err.status === 409 ? 409 : 400,
      )
    }
  })
  .post('/dashboard/policies/:kind/:name/enabled', requires('policies:write'), async (c) => {
    const { kind, name } = target(c)
    const form = await c.req.parseBody({ all: true })
    const version = Number(field(form, 'version'))
    const changed = await c.var.deps.policies.setEnabled(
      kind,
      name,
      field(form, 'enabled') === 'true',
      actorOf(c),
      { ifMatch: Number.isInteger(version) && version > 0 ? version : undefined },
    )
    await audited(c, changed)
    return c.redirect(policyUrl(kind, name), 303)
  })
