import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { node, seedDeploymentPods } from '../helpers/actions.ts'
import { tempDir } from '../helpers/app.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'
import { copyBinary, createToken, jsonApi, startVigil, type VigilProcess } from './process.ts'

// The self-healing path in the compiled binary against the fake API server: a crash-looping
// pod's metric fires an AlertRule, the incident makes a RemediationPolicy propose restart_pod,
// the AccessPolicy allows it, the executor dry-runs, deletes the pod and verifies its
// replacement is Ready; the metric recovers and the incident resolves; the audit trail and the
// incident's timeline show each step.
let fc: FakeCluster
let vigil: VigilProcess
let dir: string
let token: string

beforeAll(async () => {
  fc = await startFakeCluster()
  fc.api.controllers.pods = true
  fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } })
  fc.api.seed(node('node-a'), node('node-b'))
  seedDeploymentPods(fc, 'prod', 'api', 2, 'node-a')
  dir = tempDir('vigil-heal-')
  const binary = copyBinary(dir)
  const env = {
    VIGIL_ADMIN_PASSWORD: 'self-healing-e2e-9x2m',
    VIGIL_KUBECONFIG: fc.kubeconfig('heal.yaml'),
    VIGIL_REMEDIATION_MODE: 'enforce',
    VIGIL_LEADER_ELECTION: 'database',
  }
  token = createToken(binary, {
    cwd: dir,
    env,
    name: 'e2e',
    scopes: 'ingest:write,policies:write,incidents:read,remediation:read,audit:read',
  })
  vigil = await startVigil([binary, '--port', '0', '--listen', '127.0.0.1'], { cwd: dir, env })
}, 60_000)

afterAll(async () => {
  await vigil?.stop()
  await fc?.close()
  rmSync(dir, { recursive: true, force: true })
})

const api = (path: string, body?: unknown) => jsonApi(() => vigil.url, token)(path, body)

async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 20_000) {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) {
      const problems = vigil.lines.filter((l) => l.level === 'warn' || l.level === 'error')
      const tasks = (await api('/api/v1/remediation/tasks')).body
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ problems, tasks })}`)
    }
    await Bun.sleep(100)
  }
}

const restarts = (value: number) => ({
  samples: [
    {
      name: 'pod_restarts_last_10m',
      labels: { namespace: 'prod', pod: 'api-0', deployment: 'api' },
      value,
      ts: Date.now(),
    },
  ],
})

describe('compiled binary: crash-looping pod → rule → policy → restart → verified → resolved', () => {
  it('heals the pod and shows every step in the audit trail and on the incident', async () => {
    const policies = [
      {
        apiVersion: 'vigil/v1',
        kind: 'AlertRule',
        metadata: { name: 'pod-crash-looping' },
        spec: { expr: 'pod_restarts_last_10m > 3', for: '0s', severity: 'high' },
      },
      {
        apiVersion: 'vigil/v1',
        kind: 'RemediationPolicy',
        metadata: { name: 'restart-crashlooping-pods' },
        spec: {
          match: { rule: 'pod-crash-looping', severity: ['high', 'critical'] },
          mode: 'auto',
          steps: [
            {
              action: 'restart_pod',
              params: { namespace: '{{ $labels.namespace }}', pod: '{{ $labels.pod }}' },
            },
          ],
        },
      },
      {
        apiVersion: 'vigil/v1',
        kind: 'AccessPolicy',
        metadata: { name: 'automation-may-restart-in-prod' },
        spec: {
          subjects: [{ policy: '*' }],
          actions: ['restart_pod'],
          resources: [{ kind: 'Pod', namespaces: ['prod', 'prod-*'] }],
          effect: 'allow',
        },
      },
    ]
    for (const p of policies) expect((await api('/api/v1/policies', p)).status).toBe(201)
    const before = fc.api.list('v1', 'Pod', 'prod').find((p) => p.metadata.name === 'api-0')!
    expect((await api('/api/v1/ingest/metrics', restarts(7))).status).toBe(200)

    const task = await until(async () => {
      const { body } = await api('/api/v1/remediation/tasks')
      const t = body.tasks?.[0]
      return t && ['succeeded', 'failed', 'rejected'].includes(t.state) ? t : undefined
    }, 'the remediation task to end')
    expect(task).toMatchObject({
      action: 'restart_pod',
      params: { namespace: 'prod', pod: 'api-0' },
      policy: 'restart-crashlooping-pods',
      requester: { kind: 'policy', name: 'restart-crashlooping-pods' },
      state: 'succeeded',
    })
    expect(task.result.verified).toBeString()
    expect(task.guards.every((g: { allowed: boolean }) => g.allowed)).toBe(true)

    // The cluster saw the dry run first, then the delete; the pod was replaced.
    const deletes = fc.api.requests.filter(
      (r) => r.method === 'DELETE' && r.path.endsWith('/namespaces/prod/pods/api-0'),
    )
    expect(deletes.map((r) => r.query.dryRun ?? '')).toEqual(['All', ''])
    const after = fc.api.list('v1', 'Pod', 'prod').find((p) => p.metadata.name === 'api-0')
    expect(after?.metadata.uid ?? 'replaced under another name').not.toBe(before.metadata.uid)

    // The metric recovers: the incident resolves.
    expect((await api('/api/v1/ingest/metrics', restarts(0))).status).toBe(200)
    const incident = await until(async () => {
      const { body } = await api(`/api/v1/incidents/${task.incident_id}`)
      return body.incident?.status === 'resolved' ? body : undefined
    }, 'the incident to resolve')
    const timeline = incident.timeline.map((e: { kind: string; message: string }) => e.message)
    expect(
      timeline.some((m: string) => /remediation task #\d+ restart_pod .* succeeded/.test(m)),
    ).toBe(true)

    const audit = await api('/api/v1/audit?limit=500')
    const steps = audit.body.entries
      .filter((e: { target: string }) => e.target === `task:${task.id}`)
      .sort((a: { seq: number }, b: { seq: number }) => a.seq - b.seq)
      .map((e: { action: string }) => e.action)
    expect(steps).toEqual([
      'remediation.task.proposed',
      'remediation.task.evaluated',
      'remediation.task.approved',
      'remediation.task.evaluated',
      'remediation.task.dry_run',
      'remediation.task.executed',
      'remediation.task.verified',
      'remediation.task.succeeded',
    ])
    // The chain of the whole trail holds.
    const verify = Bun.spawnSync([`${dir}/vigil`, 'audit', 'verify'], { cwd: dir, env: {} })
    expect(verify.exitCode).toBe(0)
  }, 60_000)
})
