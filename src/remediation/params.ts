/** Validated inputs of the remediation routes, shared by the API and the pages. */
import { z } from 'zod'
import { taskStates } from './types.ts'

const comment = z.string().trim().max(4000, { error: 'must be at most 4000 characters' })

/** listQuery is the query of the task list; `state` may name several, comma-separated. */
export const listQuery = z.object({
  state: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(taskStates, { error: `must be one of ${taskStates.join(', ')}` })))
    .optional(),
  incident: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(100).optional(),
})

/** createInput is a task asked for by hand. */
export const createInput = z.object({
  action: z.string().min(1, { error: 'must name an action' }).max(64),
  params: z.record(z.string(), z.unknown()).default({}),
  reason: z.string().trim().min(1, { error: 'must say why (reason)' }).max(4000),
  incident_id: z.number().int().min(1).optional(),
  priority: z.number().int().min(0).max(9).optional(),
  idempotency_key: z.string().min(1).max(256).optional(),
  /** approve: true approves at once; needs remediation:approve. */
  approve: z.boolean().default(false),
})

/** decisionInput is the optional body of approve, reject and cancel. */
export const decisionInput = z.object({ comment: comment.optional() })

/** executeInput is the body of POST /executor/execute. */
export const executeInput = z.object({
  actionType: z.string().min(1, { error: 'must name an action' }).max(64),
  actionParams: z.record(z.string(), z.unknown()).default({}),
  requestedBy: z.string().trim().min(1, { error: 'must say who asked' }).max(256),
  reason: z.string().trim().max(4000).optional(),
})

/** claimQuery is the query of GET /remediator/tasks. */
export const claimQuery = z.object({
  executor: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/, {
    error: 'executor must be a name: letters, digits, . _ - (up to 63)',
  }),
  limit: z.coerce.number().int().min(1).max(50).default(10),
})

/** resultInput is the body of POST /remediator/results. */
export const resultInput = z.object({
  task_id: z.number().int().min(1),
  executor: claimQuery.shape.executor,
  success: z.boolean(),
  message: z.string().max(4000).default(''),
  output: z.unknown().optional(),
  duration_ms: z.number().int().min(0).max(86_400_000).optional(),
})

/** taskId reads a path id; anything else is a 404 like an id that does not exist. */
export function taskId(text: string | undefined): number | undefined {
  return text && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined
}
