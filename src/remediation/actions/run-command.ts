/**
 * run_command runs one of the commands the config names, never anything else: its argv template
 * with `{{ name }}` replaced by the arguments, each element staying one argv element, spawned
 * without a shell. The timeout kills the command (and anything it started) with SIGKILL; output
 * (stdout and stderr as they arrive) is kept up to `maxOutputBytes`. A non-zero exit fails the
 * action. On a dry run nothing runs: the output is the argv it would run.
 */
import { spawn } from 'node:child_process'
import { z } from 'zod'
import type { ActionDefinition, CommandSpec } from '../types.ts'
import { ActionRefusedError } from './verification.ts'

const params = z.strictObject({
  command: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    error: 'must be a command name from the config',
  }),
  args: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, {
        error: 'argument names are letters, digits and _',
      }),
      z
        .string({ error: 'must be a string' })
        .max(4096, { error: 'must be at most 4096 characters' })
        .refine((v) => !v.includes('\0'), { error: 'must not contain a NUL character' }),
    )
    .default({}),
})

/** RunCommandParams name the command and its arguments. */
export type RunCommandParams = z.output<typeof params>

/** CommandResult is what a command did. */
export interface CommandResult {
  argv: string[]
  exitCode: number | null
  signal: string | null
  /** stdout and stderr, interleaved as they arrived, cut at maxOutputBytes. */
  output: string
  truncated: boolean
  timedOut: boolean
  durationMs: number
}

const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g

/** renderArgv fills a command's argv template; a missing or unused argument is refused. */
export function renderArgv(
  name: string,
  spec: CommandSpec,
  args: Record<string, string>,
): string[] {
  const used = new Set<string>()
  const argv = spec.argv.map((element) =>
    element.replace(placeholder, (_, arg: string) => {
      if (!Object.hasOwn(args, arg))
        throw new ActionRefusedError(`command ${name} needs the argument ${arg}`)
      used.add(arg)
      return args[arg]!
    }),
  )
  const unused = Object.keys(args).filter((a) => !used.has(a))
  if (unused.length > 0)
    throw new ActionRefusedError(`command ${name} takes no argument ${unused.join(', ')}`)
  return argv
}

/** runArgv spawns argv (no shell), kills its process group after timeoutMs, and collects output. */
export function runArgv(
  argv: string[],
  spec: CommandSpec,
  signal?: AbortSignal,
): Promise<CommandResult> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const chunks: Buffer[] = []
    let size = 0
    let truncated = false
    let timedOut = false
    const collect = (chunk: Buffer) => {
      const room = spec.maxOutputBytes - size
      if (chunk.length > room) truncated = true
      if (room <= 0) return
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk
      chunks.push(kept)
      size += kept.length
    }
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      kill()
    }, spec.timeoutMs)
    signal?.addEventListener('abort', kill, { once: true })
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', kill)
    }
    child.on('error', (err) => {
      done()
      reject(new ActionRefusedError(`cannot run ${argv[0]}: ${err.message}`))
    })
    child.on('close', (exitCode, sig) => {
      done()
      resolve({
        argv,
        exitCode,
        signal: sig,
        output: Buffer.concat(chunks).toString('utf8'),
        truncated,
        timedOut,
        durationMs: Date.now() - started,
      })
    })
  })
}

function tail(text: string, max = 500): string {
  const t = text.trimEnd()
  return t.length > max ? `…${t.slice(-max)}` : t
}

/** runCommand is the run_command action. */
export const runCommand: ActionDefinition<RunCommandParams> = {
  name: 'run_command',
  summary: 'Run a command named in the config (argv template, no shell)',
  params,
  timeoutMs: 5 * 60_000,
  target: (p) => ({ kind: 'Command', name: p.command }),

  async run(ctx, p) {
    const spec = Object.hasOwn(ctx.commands, p.command) ? ctx.commands[p.command] : undefined
    if (!spec) {
      const known = Object.keys(ctx.commands).join(', ') || 'none'
      throw new ActionRefusedError(
        `command ${p.command} is not in the config (configured: ${known})`,
      )
    }
    const argv = renderArgv(p.command, spec, p.args)
    if (ctx.dryRun)
      return { message: `would run ${JSON.stringify(argv)}`, output: { argv, dryRun: true } }
    const result = await runArgv(argv, spec, ctx.signal)
    const said = tail(result.output)
    if (result.timedOut)
      throw new Error(
        `command ${p.command} timed out after ${spec.timeoutMs} ms and was killed: ${said}`,
      )
    if (result.exitCode !== 0) {
      const how =
        result.exitCode === null
          ? `was killed by ${result.signal}`
          : `exited with code ${result.exitCode}`
      throw new Error(`command ${p.command} ${how}: ${said}`)
    }
    return { message: `ran ${p.command} (exit 0 in ${result.durationMs} ms)`, output: result }
  },
}
