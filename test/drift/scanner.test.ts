import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connectCluster } from '../../src/k8s/index.ts'
import type { Cluster } from '../../src/k8s/types.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { bearer } from '../helpers/auth.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster
let t: TestApp | undefined
let cluster: Cluster | undefined
const loops: AbortController[] = []

beforeAll(async () => {
  fc = await startFakeCluster()
}, 60_000)
afterAll(() => fc.close())
afterEach(async () => {
  for (const l of loops.splice(0)) l.abort()
  cluster?.close()
  t?.close()
})

const deployment = (image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers: [
          {
            name: 'api',
            image,
            resources: { limits: { cpu: '500m', memory: '256Mi' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
            readinessProbe: { httpGet: { path: '/readyz', port: 8080 } },
            securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true },
          },
        ],
      },
    },
  },
})
const configMap = (level: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'shop' },
  data: { LOG_LEVEL: level },
})

/** manifests writes a directory of manifests (one file per object) and returns it. */
function manifests(name: string, objects: object[]): string {
  const dir = join(fc.dir, name)
  mkdirSync(dir, { recursive: true })
  objects.forEach((o, i) => writeFileSync(join(dir, `${i}.yaml`), JSON.stringify(o)))
  return dir
}

async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await Bun.sleep(50)
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function findings(app: TestApp, query = '') {
  const res = await app.app.request(`/api/v1/drift${query}`, { headers: app.headers })
  return (await res.json()) as { findings: any[]; scanner: any; has_more: boolean }
}

async function start(dir: string, namespace: string) {
  fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })
  t = await makeApp({
    env: { VIGIL_DRIFT_PATHS: dir, VIGIL_DRIFT_INTERVAL: '30s' },
    connect: async () => (cluster = await connectCluster(fc.settings(`${namespace}.yaml`))),
  })
  const loop = new AbortController()
  loops.push(loop)
  void t.drift.run(loop.signal)
  return t
}

describe('the drift scanner', () => {
  it('stores a mismatch with its diff, and resolves it when a watch sees the cluster fixed', async () => {
    const ns = (o: any) => ({ ...o, metadata: { ...o.metadata, namespace: 'shop' } })
    const dir = manifests('m1', [ns(deployment('shop/api:1.4')), ns(configMap('info'))])
    fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } })
    fc.api.seed(deployment('shop/api:1.4'), configMap('debug'))
    const app = await start(dir, 'shop')
    const heard: string[] = []
    app.bus.subscribe('findings', (f) =>
      heard.push(...f.opened.map((x) => `+${x.type}`), ...f.resolved.map((x) => `-${x.type}`)),
    )
    await until(async () => (await findings(app)).findings.length > 0, 'the first scan')
    const first = await findings(app, '?status=open&category=drift')
    expect(first.findings).toHaveLength(1)
    const f = first.findings[0]
    expect(f).toMatchObject({
      category: 'drift',
      type: 'mismatch',
      severity: 'medium',
      status: 'open',
      resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
      diffs: [{ path: '/data/LOG_LEVEL', desired: 'info', live: 'debug', reason: 'value differs' }],
    })
    expect(f.source.file).toBe(join(dir, '1.yaml'))
    expect(first.scanner).toMatchObject({ state: 'ok', manifests: 2 })
    const one = await app.app.request(`/api/v1/drift/${f.id}`, { headers: app.headers })
    expect(((await one.json()) as any).diffs).toEqual(f.diffs)
    const text = await app.metrics.registry.metrics()
    expect(text).toContain(
      'vigil_drift_findings_open{category="drift",type="mismatch",severity="medium"} 1',
    )
    expect(text).toMatch(/vigil_drift_scans_total\{outcome="ok"\} [1-9]/)

    const page = await (await app.app.request('/dashboard/drift', { headers: app.headers })).text()
    expect(page).toContain('<code>/data/LOG_LEVEL</code>')
    expect(page).toContain('<td class="desired"><code>info</code></td>')
    expect(page).toContain('<td class="live"><code>debug</code></td>')
    expect(page).toContain('2 manifests against')

    // Someone fixes the cluster: the watch event brings a scan well before the 30 s interval.
    const fixedAt = performance.now()
    fc.api.mutate('v1', 'ConfigMap', 'shop', 'settings', (o) => {
      ;(o.data as Record<string, string>).LOG_LEVEL = 'info'
    })
    await until(
      async () => (await findings(app, '?status=open')).findings.length === 0,
      'the resolution',
    )
    expect(performance.now() - fixedAt).toBeLessThan(5000)
    const resolved = await findings(app, '?status=resolved')
    expect(resolved.findings.map((x) => [x.id, x.status])).toEqual([[f.id, 'resolved']])
    expect(resolved.findings[0].resolved_at).not.toBeNull()
    expect(heard).toEqual(['+mismatch', '-mismatch'])
  })

  it('reports missing objects and compliance violations of the built-in rules', async () => {
    const ns = (o: any) => ({ ...o, metadata: { ...o.metadata, namespace: 'web' } })
    const dir = manifests('m2', [ns(deployment('web/api:latest')), ns(configMap('info'))])
    const app = await start(dir, 'web')
    await until(async () => (await findings(app)).scanner.state === 'ok', 'the first scan')
    const drift = await findings(app, '?category=drift')
    expect(drift.findings.map((x) => [x.type, x.severity, x.resource.kind]).sort()).toEqual([
      ['missing', 'high', 'ConfigMap'],
      ['missing', 'high', 'Deployment'],
    ])
    const compliance = await findings(app, '?category=compliance')
    expect(compliance.findings.map((x) => x.rule)).toEqual(['image-latest'])
    expect(compliance.findings[0]).toMatchObject({
      type: 'violation',
      resource: { kind: 'Deployment', name: 'api' },
    })
    expect(compliance.findings[0].path).toContain('/image')
    const high = await findings(app, '?severity=high&category=drift')
    expect(high.findings).toHaveLength(2)
  })

  it('checks the CompliancePolicy policies of the store and reports their status', async () => {
    const ns = (o: any) => ({ ...o, metadata: { ...o.metadata, namespace: 'team' } })
    const dir = manifests('m4', [ns(deployment('team/api:2.0'))])
    fc.api.seed(ns(deployment('team/api:2.0')))
    const app = await start(dir, 'team')
    const policy = {
      apiVersion: 'vigil/v1',
      kind: 'CompliancePolicy',
      metadata: { name: 'house-rules' },
      spec: {
        rules: [
          {
            name: 'team-label',
            severity: 'low',
            match: { kinds: ['Deployment'] },
            require: { path: '/metadata/labels/team', op: 'exists' },
            message: 'every Deployment names its team',
          },
        ],
      },
    }
    const created = await app.app.request('/api/v1/policies', {
      method: 'POST',
      headers: { ...app.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(policy),
    })
    expect(created.status).toBe(201)
    await until(
      async () =>
        (await findings(app, '?category=compliance')).findings.some(
          (f) => f.policy === 'house-rules',
        ),
      'the violation',
    )
    const [v] = (await findings(app, '?category=compliance')).findings.filter(
      (f) => f.policy === 'house-rules',
    )
    expect(v).toMatchObject({
      rule: 'team-label',
      severity: 'low',
      resource: { kind: 'Deployment', name: 'api' },
    })
    const ui = (await (
      await app.app.request('/ui/policies', { headers: app.headers })
    ).json()) as any
    const row = (ui.policies ?? ui).find((p: any) => p.name === 'house-rules')
    // Its own Deployment, and the one an earlier test left in namespace shop of the same cluster.
    expect(row).toMatchObject({ kind: 'CompliancePolicy', status: 'violated', violations: 2 })
  })

  it('takes the desired state from a git repository and records its revision on findings', async () => {
    const repo = join(fc.dir, 'repo')
    mkdirSync(join(repo, 'deploy'), { recursive: true })
    writeFileSync(
      join(repo, 'deploy', 'cm.yaml'),
      JSON.stringify({ ...configMap('info'), metadata: { name: 'from-git', namespace: 'gitns' } }),
    )
    const git = (...args: string[]) =>
      Bun.spawnSync(['git', ...args], {
        cwd: repo,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@x',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@x',
        },
      })
        .stdout.toString()
        .trim()
    git('init', '-q', '-b', 'main')
    git('add', '.')
    git('commit', '-q', '-m', 'desired')
    const revision = git('rev-parse', 'HEAD')
    fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gitns' } })
    t = await makeApp({
      env: { VIGIL_DRIFT_GIT_URL: repo, VIGIL_DRIFT_GIT_PATH: 'deploy' },
      connect: async () => (cluster = await connectCluster(fc.settings('gitns.yaml'))),
    })
    const loop = new AbortController()
    loops.push(loop)
    void t.drift.run(loop.signal)
    await until(async () => (await findings(t!)).scanner.state === 'ok', 'the first scan')
    const { findings: list, scanner } = await findings(t, '?category=drift')
    expect(scanner.revision).toBe(revision)
    const missing = list.find((f) => f.resource.name === 'from-git')
    expect(missing).toMatchObject({ type: 'missing', revision })
  })

  it('watches the kinds the scope names: a stray Pod is unexpected, an owned one is not', async () => {
    const dir = manifests('m5', [
      { ...configMap('info'), metadata: { name: 'settings', namespace: 'pods' } },
    ])
    fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pods' } })
    fc.api.seed({ ...configMap('info'), metadata: { name: 'settings', namespace: 'pods' } })
    const pod = (name: string, owned: boolean) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: 'pods',
        ...(owned
          ? {
              ownerReferences: [
                { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1' },
              ],
            }
          : {}),
      },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
    })
    fc.api.seed(pod('stray', false), pod('owned', true))
    const settings = join(fc.dir, 'scope.yaml')
    writeFileSync(settings, 'scope: {namespaces: [pods], kinds: [ConfigMap, Pod]}\n')
    t = await makeApp({
      env: { VIGIL_DRIFT_PATHS: dir, VIGIL_DRIFT_SETTINGS: settings },
      connect: async () => (cluster = await connectCluster(fc.settings('pods.yaml'))),
    })
    const loop = new AbortController()
    loops.push(loop)
    void t.drift.run(loop.signal)
    await until(async () => (await findings(t!)).scanner.state === 'ok', 'the first scan')
    const drift = (await findings(t, '?category=drift')).findings
    expect(drift.map((f) => [f.type, f.severity, f.resource.kind, f.resource.name])).toEqual([
      ['unexpected', 'low', 'Pod', 'stray'],
    ])
  })

  it('says why it cannot scan, and validates its parameters and access', async () => {
    t = await makeApp({ env: { VIGIL_DRIFT_PATHS: manifests('m3', [configMap('x')]) } })
    const loop = new AbortController()
    loops.push(loop)
    void t.drift.run(loop.signal)
    await until(async () => (await findings(t!)).scanner.state === 'error', 'the failure')
    expect((await findings(t)).scanner.message).toBe('no cluster in this test')
    const page = await t.app.request('/dashboard/drift', { headers: t.headers })
    expect(await page.text()).toContain('The last scan failed: no cluster in this test')
    for (const q of ['status=closed', 'severity=huge', 'category=x', 'limit=0', 'cursor=zz']) {
      const res = await t.app.request(`/api/v1/drift?${q}`, { headers: t.headers })
      expect(res.status, q).toBe(400)
    }
    expect((await t.app.request('/api/v1/drift/999', { headers: t.headers })).status).toBe(404)
    expect((await t.app.request('/api/v1/drift')).status).toBe(401)
    const other = await bearer(t, ['metrics:read'])
    expect((await t.app.request('/api/v1/drift', { headers: other })).status).toBe(403)
  })
})
