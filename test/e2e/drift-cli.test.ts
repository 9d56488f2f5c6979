import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { copyBinary } from './process.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster
let binary: string
let kubeconfig: string

beforeAll(async () => {
  fc = await startFakeCluster()
  binary = copyBinary(fc.dir)
  kubeconfig = fc.kubeconfig('drift.yaml')
  fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ci' } })
}, 120_000)
afterAll(() => fc.close())

async function run(args: string[]) {
  const proc = Bun.spawn([binary, ...args], {
    cwd: fc.dir,
    env: { PATH: process.env.PATH ?? '', HOME: fc.dir },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, exit] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return { stdout, stderr, exit }
}

function dir(name: string, files: Record<string, string>): string {
  const path = join(fc.dir, name)
  mkdirSync(path, { recursive: true })
  for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text)
  return path
}

const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ci\ndata:\n  mode: "${value}"\n`

describe('compiled binary: vigil drift check', () => {
  it('exits 1 with the findings as JSON when the cluster differs, 0 when it matches', async () => {
    fc.api.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'ci' },
      data: { mode: 'live' },
    })
    const drifted = dir('drifted', { 'a.yaml': cm('a', 'git'), 'b.yaml': cm('b', 'x') })
    const out = await run([
      'drift',
      'check',
      '--path',
      drifted,
      '--kubeconfig',
      kubeconfig,
      '--output',
      'json',
    ])
    expect(out.stderr).toBe('')
    expect(out.exit).toBe(1)
    const { findings } = JSON.parse(out.stdout) as { findings: any[] }
    expect(findings.map((f) => [f.type, f.severity, f.resource.name]).sort()).toEqual([
      ['mismatch', 'medium', 'a'],
      ['missing', 'high', 'b'],
    ])
    const mismatch = findings.find((f) => f.type === 'mismatch')
    expect(mismatch).toMatchObject({
      resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ci', name: 'a' },
      diffs: [{ path: '/data/mode', desired: 'git', live: 'live', reason: 'value differs' }],
    })
    const text = await run(['drift', 'check', '--path', drifted, '--kubeconfig', kubeconfig])
    expect(text.exit).toBe(1)
    expect(text.stdout).toContain('mismatch (medium) ConfigMap ci/a')
    expect(text.stdout).toContain('  /data/mode: desired git, live live (value differs)')
    expect(text.stdout).toContain('2 findings in 2 manifests against')

    const clean = dir('clean', { 'a.yaml': cm('a', 'live') })
    const ok = await run(['drift', 'check', '--path', clean, '--kubeconfig', kubeconfig])
    expect(ok.exit).toBe(0)
    expect(ok.stdout).toContain('0 findings in 1 manifests')
  }, 60_000)

  it('exits 2 on bad manifests, a missing path and missing credentials, saying what to fix', async () => {
    const bad = dir('bad', { 'x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' })
    const out = await run(['drift', 'check', '--path', bad, '--kubeconfig', kubeconfig])
    expect(out.exit).toBe(2)
    expect(out.stderr).toContain(`${join(bad, 'x.yaml')}:1:`)
    const missing = await run([
      'drift',
      'check',
      '--path',
      join(fc.dir, 'nope'),
      '--kubeconfig',
      kubeconfig,
    ])
    expect(missing.exit).toBe(2)
    expect(missing.stderr).toContain('nope')
    const noCreds = await run([
      'drift',
      'check',
      '--path',
      dir('ok', { 'a.yaml': cm('a', 'live') }),
    ])
    expect(noCreds.exit).toBe(2)
    expect(noCreds.stderr).toMatch(/vigil drift check: .*kube/i)
    const usage = await run(['drift', 'check'])
    expect(usage.exit).toBe(2)
    expect(usage.stderr).toContain('--path (or VIGIL_DRIFT_PATHS) is needed')
  }, 60_000)
})
