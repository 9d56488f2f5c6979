/**
 * `POST /api/v1/policy/evaluate` asks the enabled AccessPolicies a what-if question (may this user,
 * token or RemediationPolicy do this action on this resource?) and answers with the decision, the
 * sentence behind it and the policies that matched. Nothing changes, so only people's questions
 * are audited (as reads).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { roles } from '../auth/permissions.ts'
import { parseJson } from '../http/validate.ts'
import { ref, severity } from '../policy/kinds/fields.ts'
import { action } from '../policy/kinds/remediation-policy.ts'
import { evaluateAccess, type AccessRequest } from './access.ts'
import type { Requester, Target } from './types.ts'

const objectName = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters' })
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
    error: 'must be a Kubernetes name (letters, digits, - _ .)',
  })

const kind = z
  .string({ error: 'must be a resource kind such as Pod, Deployment or Node' })
  .regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, {
    error: 'must be a resource kind such as Pod, Deployment or Node',
  })

const resourceText = z
  .string({ error: 'must be "namespace/name", "name" or {kind, namespace, name}' })
  .max(510)
  .transform((text, ctx) => {
    const parts = text.split('/')
    const names = parts.length === 2 ? parts : parts.length === 1 ? ['', parts[0]!] : undefined
    const ok = names && (names[0] === '' || objectName.safeParse(names[0]).success)
    if (!ok || !objectName.safeParse(names[1]).success) {
      ctx.addIssue({ code: 'custom', message: 'must be "namespace/name" or "name"' })
      return z.NEVER
    }
    return { kind: undefined, namespace: names[0] || undefined, name: names[1]! }
  })

const resourceObject = z.strictObject({
  kind: kind.optional(),
  namespace: objectName.optional(),
  name: objectName,
})

/** evaluateBody validates the question; it names the field at fault. */
export const evaluateBody = z
  .strictObject({
    action,
    resource: z.union([resourceText, resourceObject], {
      error: 'must be "namespace/name", "name" or {kind, namespace, name}',
    }),
    type: kind.optional(),
    context: z.strictObject({
      userId: ref.optional(),
      role: z.enum(roles, { error: `must be one of ${roles.join(', ')}` }).optional(),
      metadata: z
        .object({
          policy: ref.optional(),
          token: ref.optional(),
          severity: severity.optional(),
          at: z.iso.datetime({ error: 'must be an ISO 8601 time in UTC' }).optional(),
        })
        .default({}),
    }),
  })
  .superRefine((b, ctx) => {
    if (!b.type && !b.resource.kind) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'needs the resource kind (Pod, …)' })
    }
    const { policy, token } = b.context.metadata
    if (policy && token) {
      ctx.addIssue({
        code: 'custom',
        path: ['context', 'metadata'],
        message: 'name a policy or a token, not both',
      })
    } else if (!policy && !token && !b.context.userId) {
      ctx.addIssue({
        code: 'custom',
        path: ['context', 'userId'],
        message: 'needs the user (or metadata.policy or metadata.token)',
      })
    }
  })

type EvaluateBody = z.output<typeof evaluateBody>

/** accessRequestOf turns a validated body into the evaluator's request. */
export function accessRequestOf(body: EvaluateBody, now: number): AccessRequest {
  const { userId, role, metadata } = body.context
  const subject: Requester = metadata.policy
    ? { kind: 'policy', name: metadata.policy }
    : metadata.token
      ? { kind: 'token', name: metadata.token }
      : { kind: 'user', name: userId!, role }
  const resource: Target = {
    kind: body.resource.kind ?? body.type!,
    namespace: body.resource.namespace,
    name: body.resource.name,
  }
  return {
    subject,
    action: body.action,
    resource,
    severity: metadata.severity,
    at: metadata.at ? Date.parse(metadata.at) : now,
  }
}

/** accessRoutes is mounted at the root of the app. */
export const accessRoutes = new Hono<AppEnv>().post(
  '/api/v1/policy/evaluate',
  requires('policies:read'),
  async (c) => {
    const body = await parseJson(c, evaluateBody)
    const request = accessRequestOf(body, c.var.deps.now())
    const policies = await c.var.deps.policies.enabled('AccessPolicy')
    const decision = evaluateAccess(
      policies.map((p) => ({ name: p.metadata.name, spec: p.spec })),
      request,
    )
    await auditRead(c, 'policy.evaluate', { question: request, allowed: decision.allowed })
    // A question changes nothing: no generic state-change record.
    c.set('audited', true)
    return c.json(decision)
  },
)
