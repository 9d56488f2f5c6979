import { describe, expect, it } from 'bun:test'
import type { Cluster } from '../../src/k8s/index.ts'
import { actions, ActionRefusedError } from '../../src/remediation/actions/index.ts'
import { renderArgv, type CommandResult } from '../../src/remediation/actions/run-command.ts'
import type { CommandSpec } from '../../src/remediation/types.ts'
import { actionContext, rejection } from '../helpers/actions.ts'

const { run_command: action } = actions

const commands: Record<string, CommandSpec> = {
  echo: { argv: ['/bin/echo', 'hello', '{{ who }}'], timeoutMs: 5_000, maxOutputBytes: 1_000 },
  argc: {
    argv: ['/bin/sh', '-c', 'echo "$#:$1"', 'sh', '{{who}}'],
    timeoutMs: 5_000,
    maxOutputBytes: 1_000,
  },
  slow: { argv: ['/bin/sh', '-c', 'echo started; sleep 5'], timeoutMs: 300, maxOutputBytes: 1_000 },
  loud: {
    argv: ['/bin/sh', '-c', 'yes vigil | head -c 100000; echo oops >&2'],
    timeoutMs: 5_000,
    maxOutputBytes: 64,
  },
  fail: {
    argv: ['/bin/sh', '-c', 'echo broke >&2; exit 3'],
    timeoutMs: 5_000,
    maxOutputBytes: 1_000,
  },
  missing: { argv: ['/nonexistent/tool'], timeoutMs: 5_000, maxOutputBytes: 1_000 },
}

const ctx = (dryRun = false) => actionContext({} as Cluster, { commands, dryRun })
const run = (p: unknown, dryRun = false) => action.run(ctx(dryRun), action.params.parse(p))

describe('run_command', () => {
  it('run() runs the configured argv with the argument filled in and returns its output', async () => {
    const out = await run({ command: 'echo', args: { who: 'world' } })
    expect(out.message).toMatch(/^ran echo \(exit 0 in \d+ ms\)$/)
    expect(out.output).toMatchObject({
      argv: ['/bin/echo', 'hello', 'world'],
      exitCode: 0,
      output: 'hello world\n',
      truncated: false,
      timedOut: false,
    })
    expect(action.target(action.params.parse({ command: 'echo' }))).toEqual({
      kind: 'Command',
      name: 'echo',
    })
  })

  it('run() keeps an argument one argv element: no word splitting, no shell expansion', async () => {
    const hostile = 'a b; rm -rf / $(id) `id` | cat'
    const out = await run({ command: 'argc', args: { who: hostile } })
    expect((out.output as CommandResult).output).toBe(`1:${hostile}\n`)
    const echoed = await run({ command: 'echo', args: { who: '$HOME && echo injected' } })
    expect((echoed.output as CommandResult).output).toBe('hello $HOME && echo injected\n')
  })

  it('run() kills the command with SIGKILL after its timeout and says so', async () => {
    const started = Date.now()
    const err = await rejection(run({ command: 'slow' }))
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(err.message).toBe('command slow timed out after 300 ms and was killed: started')
  })

  it('run() kills the command when the task is cancelled (ctx.signal aborts)', async () => {
    const abort = new AbortController()
    const c = actionContext({} as Cluster, {
      commands: { wait: { ...commands.slow!, timeoutMs: 10_000 } },
      signal: abort.signal,
    })
    setTimeout(() => abort.abort(), 100)
    const started = Date.now()
    const err = await rejection(action.run(c, action.params.parse({ command: 'wait' })))
    expect(Date.now() - started).toBeLessThan(3_000)
    expect(err.message).toBe('command wait was killed by SIGKILL: started')
  })

  it('run() cuts stdout and stderr at maxOutputBytes and flags it', async () => {
    const out = await run({ command: 'loud' })
    const result = out.output as CommandResult
    expect(result.truncated).toBe(true)
    expect(Buffer.byteLength(result.output)).toBe(64)
    expect(result.output.startsWith('vigil\nvigil\n')).toBe(true)
  })

  it('run() fails on a non-zero exit with the code and the tail of the output', async () => {
    const err = await rejection(run({ command: 'fail' }))
    expect(err.message).toBe('command fail exited with code 3: broke')
  })

  it('run() on a dry run runs nothing and answers the argv it would run', async () => {
    const out = await run({ command: 'fail', args: {} }, true)
    expect(out).toEqual({
      message: 'would run ["/bin/sh","-c","echo broke >&2; exit 3"]',
      output: { argv: ['/bin/sh', '-c', 'echo broke >&2; exit 3'], dryRun: true },
    })
  })

  it.each([
    [
      { command: 'rm' },
      'command rm is not in the config (configured: echo, argc, slow, loud, fail, missing)',
    ],
    [{ command: 'echo' }, 'command echo needs the argument who'],
    [{ command: 'echo', args: { who: 'x', extra: 'y' } }, 'command echo takes no argument extra'],
    [{ command: 'missing' }, 'cannot run /nonexistent/tool: '],
  ])('run() refuses %o', async (p, message) => {
    const err = await rejection(run(p))
    expect(err).toBeInstanceOf(ActionRefusedError)
    expect(err.message.startsWith(message)).toBe(true)
  })

  it('renderArgv() substitutes inside an element without splitting it', () => {
    const spec: CommandSpec = {
      argv: ['tool', '--ns={{ns}}', '{{ a }}-{{a}}'],
      timeoutMs: 1,
      maxOutputBytes: 1,
    }
    expect(renderArgv('tool', spec, { ns: 'prod ops', a: '{{ns}}' })).toEqual([
      'tool',
      '--ns=prod ops',
      '{{ns}}-{{ns}}',
    ])
  })
})
