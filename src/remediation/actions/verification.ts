/**
 * How actions wait and fail: `waitFor` polls a check until it holds or time runs out (a
 * `VerificationError`), `ActionRefusedError` is a request the action will not carry out as asked,
 * and `isTransient` tells the task runner which failures are worth another attempt.
 */
import { KubeApiError, type KubeReason } from '../../k8s/errors.ts'
import type { ActionContext } from '../types.ts'

/** VerificationError says an action's effect was not seen in the cluster in time. */
export class VerificationError extends Error {
  override name = 'VerificationError'
}

/** ActionRefusedError says an action will not run as asked (a bound, a protected object, bad input). */
export class ActionRefusedError extends Error {
  override name = 'ActionRefusedError'
}

const transientReasons = new Set<KubeReason>([
  'TooManyRequests',
  'ServiceUnavailable',
  'Timeout',
  'InternalError',
  'Unreachable',
  'Conflict',
])

/**
 * isTransient tells whether another attempt may succeed: API server overload, outages and
 * conflicts, and errors we do not know (network failures); never a refusal or a failed
 * verification, which another attempt would repeat.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof KubeApiError) return transientReasons.has(err.reason)
  if (err instanceof VerificationError || err instanceof ActionRefusedError) return false
  if (err instanceof Error && err.name === 'ZodError') return false
  return true
}

/** CheckResult is `true` when the state is reached, or a description of the state seen now. */
export type CheckResult = true | string

/**
 * waitFor polls `check` every `intervalMs` (with `ctx.sleep`, against `ctx.now`) until it returns
 * true, and throws a VerificationError saying `what` was not reached and what was last seen once
 * `timeoutMs` passes. Transient API errors during a check count as "not yet".
 */
export async function waitFor(
  ctx: Pick<ActionContext, 'now' | 'sleep'>,
  check: () => Promise<CheckResult>,
  timeoutMs: number,
  what: string,
  intervalMs = 1000,
): Promise<void> {
  const deadline = ctx.now() + timeoutMs
  for (;;) {
    let seen: string
    try {
      const result = await check()
      if (result === true) return
      seen = result
    } catch (err) {
      if (!isTransient(err) || !(err instanceof KubeApiError)) throw err
      seen = `the last check failed: ${err.message}`
    }
    const left = deadline - ctx.now()
    if (left <= 0) {
      throw new VerificationError(
        `${what} was not reached within ${formatMs(timeoutMs)}; last seen: ${seen}`,
      )
    }
    await ctx.sleep(Math.min(intervalMs, left))
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}
