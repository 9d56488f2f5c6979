/**
 * The one function every domain uses to write to the audit trail from a request: it fills in who
 * (user or token), the request id and the client address, and marks the request as audited so
 * the generic state-change record is not written twice.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { clientAddress } from '../http/client.ts'
import type { AuditEntry, AuditInput, Outcome } from './types.ts'

/** AuditAction is what a route says happened. */
export interface AuditAction {
  action: string
  target?: string | undefined
  outcome?: Outcome
  details?: Record<string, unknown>
  /** Who acted, when nobody is signed in yet (e.g. a login attempt's username). */
  actor?: string
}

/** auditRequest records an action taken through this request. */
export async function auditRequest(c: Context<AppEnv>, action: AuditAction): Promise<AuditEntry> {
  const principal = c.var.principal
  const input: AuditInput = {
    actor: principal?.name ?? action.actor ?? 'anonymous',
    actorType: principal ? principal.kind : 'anonymous',
    action: action.action,
    target: action.target,
    outcome: action.outcome ?? 'success',
    requestId: c.var.requestId,
    clientAddress: clientAddress(c),
    details: action.details,
  }
  c.set('audited', true)
  return c.var.deps.audit.append(input)
}

/** auditRead records that a person read sensitive or monitoring data (tokens are not persons). */
export async function auditRead(
  c: Context<AppEnv>,
  action: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  if (c.var.principal?.kind !== 'user') return
  await auditRequest(c, { action, details })
}
