/**
 * The remediation settings that do not fit one environment variable: the commands `run_command`
 * may run, from the YAML file named by VIGIL_REMEDIATION_COMMANDS.
 *
 * ```yaml
 * flush-cache:
 *   argv: [/usr/local/bin/cachectl, flush, "--zone={{ zone }}"]
 *   timeout: 30s
 *   max_output: 64KiB
 * ```
 */
import { z } from 'zod'
import { duration, size } from '../config-schemas.ts'
import type { CommandSpec } from './types.ts'

/** RemediationMode is the global switch of remediation. */
export type RemediationMode = 'off' | 'dry_run' | 'enforce'

/** RemediationSettings are the parsed remediation settings (config.remediation). */
export interface RemediationSettings {
  mode: RemediationMode
  workers: number
  namespaces: { allow: string[] | undefined; deny: string[] }
  maxPerHour: number
  maxPerAction: number
  maxPerNamespace: number
  maxPerTarget: number
  maxBlastRadiusPercent: number
  minSchedulableNodes: number
  evidenceMaxAgeMs: number
  approvalTtlMs: number
  maxAttempts: number
  leaseMs: number
  commands: Record<string, CommandSpec>
  /** The HMAC secrets of external executors; empty: the /remediator routes refuse. */
  secrets: string[]
}

const commandName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'command names are a-z, 0-9, _ and -' })

const commandSpec = z
  .object(
    {
      argv: z
        .array(z.string().min(1, { error: 'argv elements must not be empty' }), {
          error: 'argv must be a list of strings',
        })
        .min(1, { error: 'argv needs at least the program' })
        .max(100),
      timeout: duration(100, 3_600_000).default(30_000),
      max_output: size(1, 16 * 1024 * 1024).default(64 * 1024),
    },
    { error: 'must be {argv: [...], timeout, max_output}' },
  )
  .strict()
  .refine((c) => c.argv[0]!.startsWith('/'), {
    error: 'argv[0] must be an absolute path (no PATH lookup, no shell)',
  })
  .transform((c): CommandSpec => ({
    argv: c.argv,
    timeoutMs: c.timeout,
    maxOutputBytes: c.max_output,
  }))

/** commandsSchema validates the commands file. */
export const commandsSchema = z.record(commandName, commandSpec, {
  error: 'must map command names to {argv, timeout, max_output}',
})
