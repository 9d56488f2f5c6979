import { afterAll, describe, expect, it } from 'bun:test'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/app.ts'
import { copyBinary, createToken, jsonApi, startVigil, type VigilProcess } from './process.ts'

// kill -9 in the middle of a change: the task's phase says a change was under way, so the next
// process fails it (run_command is not idempotent) instead of running the command a second time.
const dir = tempDir('vigil-rem-crash-')
const mark = join(dir, 'runs.txt')
let vigil: VigilProcess | undefined
afterAll(async () => {
  await vigil?.stop('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

const env = {
  VIGIL_ADMIN_PASSWORD: 'remediation-crash-e2e-4q',
  VIGIL_REMEDIATION_MODE: 'enforce',
  VIGIL_REMEDIATION_COMMANDS: join(dir, 'commands.yaml'),
  VIGIL_REMEDIATION_LEASE: '2s',
  VIGIL_LEADER_ELECTION: 'database',
  VIGIL_LEADER_LEASE: '2s',
}

describe('compiled binary: kill -9 while a task changes something', () => {
  it('never runs the change twice: the next process fails the interrupted task and says why', async () => {
    writeFileSync(
      env.VIGIL_REMEDIATION_COMMANDS,
      `slow-job:\n  argv: [/bin/sh, -c, "echo ran >> ${mark}; sleep 4"]\n  timeout: 30s\n`,
    )
    const binary = copyBinary(dir)
    const token = createToken(binary, {
      cwd: dir,
      env,
      name: 'ops',
      scopes: 'policies:write,remediation:read,remediation:execute,remediation:approve',
    })
    const start = () =>
      startVigil([binary, '--port', '0', '--listen', '127.0.0.1'], { cwd: dir, env })
    vigil = await start()
    const call = jsonApi(() => vigil!.url, token)
    const api = async (path: string, body?: unknown) => (await call(path, body)).body
    const allowed = await api('/api/v1/policies', {
      apiVersion: 'vigil/v1',
      kind: 'AccessPolicy',
      metadata: { name: 'ops-may-run-jobs' },
      spec: {
        subjects: [{ token: 'ops' }],
        actions: ['run_command'],
        resources: [{ kind: 'Command' }],
        effect: 'allow',
      },
    })
    expect(allowed.policy ?? allowed).toBeDefined()
    const created = await api('/api/v1/remediation/tasks', {
      action: 'run_command',
      params: { command: 'slow-job' },
      reason: 'flush',
      approve: true,
    })
    expect(created.task.state).toBe('approved')
    const id = created.task.id as number

    for (let i = 0; i < 200 && !existsSync(mark); i++) await Bun.sleep(25)
    expect(readFileSync(mark, 'utf8')).toBe('ran\n')
    await vigil.stop('SIGKILL')

    vigil = await start()
    let task: Record<string, any> = {}
    for (let i = 0; i < 200; i++) {
      task = (await api(`/api/v1/remediation/tasks/${id}`)).task
      if (!['approved', 'running'].includes(task.state)) break
      await Bun.sleep(100)
    }
    expect(task.state).toBe('failed')
    expect(task.result.message).toMatch(
      /^interrupted while changing the cluster \(attempt 1\); not retried because run_command is not idempotent/,
    )
    await Bun.sleep(4500) // the first command's sleep is over; nothing ran it again
    expect(readFileSync(mark, 'utf8')).toBe('ran\n')
  }, 90_000)
})
