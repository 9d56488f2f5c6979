import { afterAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../src/cli/index.ts'
import { tempDir } from '../helpers/app.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))
// A data dir that must not appear: `policy validate` never opens the database.
const env = { VIGIL_DATA_DIR: join(dir, 'never-created') }

async function cli(argv: string[]) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) }, env)
  return { code, out, err }
}

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const good = `apiVersion: vigil/v1
kind: AlertRule
metadata: {name: high-cpu}
spec:
  expr: avg by (host) (node_cpu_usage_percent) > 90
  for: 1m
  severity: high
---
apiVersion: vigil/v1
kind: RemediationPolicy
metadata: {name: restart}
spec:
  match: {rule: pod-crash-looping}
  action: restart_pod
  params: {namespace: "{{ $labels.namespace }}", pod: "{{ $labels.pod }}"}
`

describe('cli policy', () => {
  it('runCli() policy validate exits 0 and counts the policies when every file is valid', async () => {
    const file = write('good.yaml', good)
    const { code, out, err } = await cli(['policy', 'validate', file])
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out).toBe('2 policies in 1 file: valid\n')
    expect(existsSync(env.VIGIL_DATA_DIR)).toBe(false)
  })

  it('runCli() policy validate prints FILE:LINE:COL: path: message per problem and exits 1', async () => {
    const file = write(
      'bad.yaml',
      good.replace('for: 1m', 'for: soon').replace('restart_pod', 'restart_pods') +
        '---\nkind: Alert\napiVersion: vigil/v1\n',
    )
    const { code, out, err } = await cli(['policy', 'validate', file])
    expect(code).toBe(1)
    expect(out).toBe('')
    expect(err.split('\n')).toEqual([
      `${file}:6:8: spec.for: must be a duration such as 30s, 5m or 1h`,
      `${file}:14:11: spec.action: must be one of restart_pod, rollout_restart, scale_deployment, rollback_deployment, apply_manifest, delete_unexpected, cordon_node, uncordon_node, drain_node, run_command`,
      `${file}:17:7: kind: must be one of AlertRule, CompliancePolicy, RemediationPolicy, AccessPolicy`,
      `3 problems in ${file}`,
      '',
    ])
  })

  it('runCli() policy validate reads directories, reports broken YAML, missing files and duplicate names', async () => {
    const sub = join(dir, 'dir')
    mkdirSync(sub)
    writeFileSync(join(sub, 'a.yaml'), good)
    writeFileSync(join(sub, 'b.yml'), good.split('---')[0]!)
    writeFileSync(join(sub, 'c.yaml'), 'apiVersion: vigil/v1\nkind: [AlertRule\n')
    const missing = join(dir, 'missing.yaml')
    const { code, err } = await cli(['policy', 'validate', sub, missing])
    expect(code).toBe(1)
    const lines = err.trim().split('\n')
    expect(lines).toContain(
      `${join(sub, 'b.yml')}:1:1: metadata.name: AlertRule/high-cpu is already defined at ${join(sub, 'a.yaml')}:1; names are unique per kind`,
    )
    expect(lines.some((l) => l.startsWith(`${join(sub, 'c.yaml')}:3:1: invalid YAML:`))).toBe(true)
    expect(lines).toContain(`${missing}:1:1: cannot read: no such file or directory`)
  })

  it('runCli() policy validate without files or with another subcommand is a usage error (2); --help explains', async () => {
    expect((await cli(['policy', 'validate'])).code).toBe(2)
    const other = await cli(['policy', 'apply', 'x'])
    expect(other.code).toBe(2)
    expect(other.err).toContain('unknown subcommand "apply"')
    const help = await cli(['policy', '--help'])
    expect(help.code).toBe(0)
    expect(help.out).toContain('Usage: vigil policy <validate> FILE...')
    expect(help.out).toContain('FILE:LINE:COL: message')
  })
})
