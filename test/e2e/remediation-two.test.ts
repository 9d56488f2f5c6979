import { afterAll, describe, expect, it } from 'bun:test'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/app.ts'
import { copyBinary, createToken, jsonApi, startVigil, type VigilProcess } from './process.ts'

// Two vigil processes on one database file, both running executors (leader election off): each
// of 30 approved tasks runs exactly once, whichever process claims it.
const dir = tempDir('vigil-rem-two-')
const mark = join(dir, 'runs.txt')
const procs: VigilProcess[] = []
afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

const env = {
  VIGIL_ADMIN_PASSWORD: 'remediation-two-e2e-7z',
  VIGIL_REMEDIATION_MODE: 'enforce',
  VIGIL_REMEDIATION_COMMANDS: join(dir, 'commands.yaml'),
  VIGIL_REMEDIATION_MAX_PER_HOUR: '1000',
  VIGIL_REMEDIATION_MAX_PER_ACTION: '1000',
  VIGIL_REMEDIATION_MAX_PER_TARGET: '1000',
  VIGIL_LEADER_ELECTION: 'off',
}

describe('compiled binary: two executors in two processes on one database', () => {
  it('runs every task once', async () => {
    writeFileSync(
      env.VIGIL_REMEDIATION_COMMANDS,
      `mark:\n  argv: [/bin/sh, -c, "echo {{ n }} >> ${mark}"]\n  timeout: 10s\n`,
    )
    const binary = copyBinary(dir)
    const token = createToken(binary, {
      cwd: dir,
      env,
      name: 'ops',
      scopes: 'policies:write,remediation:read,remediation:execute,remediation:approve,audit:read',
    })
    const start = () =>
      startVigil([binary, '--port', '0', '--listen', '127.0.0.1'], { cwd: dir, env })
    procs.push(await start())
    procs.push(await start())
    const api = async (p: VigilProcess, path: string, body?: unknown) =>
      (await jsonApi(() => p.url, token)(path, body)).body
    await api(procs[0]!, '/api/v1/policies', {
      apiVersion: 'vigil/v1',
      kind: 'AccessPolicy',
      metadata: { name: 'ops-may-mark' },
      spec: {
        subjects: [{ token: 'ops' }],
        actions: ['run_command'],
        resources: [{ kind: 'Command' }],
        effect: 'allow',
      },
    })
    for (let n = 0; n < 30; n++) {
      const created = await api(procs[n % 2]!, '/api/v1/remediation/tasks', {
        action: 'run_command',
        params: { command: 'mark', args: { n: String(n) } },
        reason: `mark ${n}`,
        approve: true,
      })
      expect(created.task?.state).toBe('approved')
    }
    let tasks: Record<string, any>[] = []
    for (let i = 0; i < 300; i++) {
      tasks = (await api(procs[0]!, '/api/v1/remediation/tasks?limit=100')).tasks
      if (tasks.every((t) => !['approved', 'running'].includes(t.state))) break
      await Bun.sleep(100)
    }
    expect(tasks.map((t) => t.state)).toEqual(Array(30).fill('succeeded'))
    const runs = readFileSync(mark, 'utf8')
      .trim()
      .split('\n')
      .sort((a, b) => Number(a) - Number(b))
    expect(runs).toEqual(Array.from({ length: 30 }, (_, n) => String(n)))
    // Both processes took part: each task was run by one executor, some by each.
    const { entries } = await api(
      procs[0]!,
      '/api/v1/audit?action=remediation.task.executed&limit=100',
    )
    expect(entries).toHaveLength(30)
    expect(new Set(entries.map((e: { target: string }) => e.target)).size).toBe(30)
    expect(new Set(entries.map((e: { actor: string }) => e.actor)).size).toBe(2)
  }, 120_000)
})
