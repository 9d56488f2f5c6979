import { parseArgs } from 'node:util'
import { agentCommand } from '../../src/cli/agent.ts'
import { commonOptions } from '../../src/cli/command.ts'
import { afterAll, beforeAll, describe, expect, it, test } from 'bun:test'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig, settings } from '../../src/config.ts'
import { checkCompliance } from '../../src/drift/compliance/evaluate.ts'
import { defaultCompliancePolicy } from '../../src/drift/compliance/schema.ts'
import { makeApp, tempDir, type TestApp } from '../helpers/app.ts'
import {
  filesUnder,
  hasKubectl,
  k8sDir,
  kustomizations,
  manifestsOf,
  objectsIn,
  render,
  shipped,
  yamlErrors,
} from './kustomize.ts'

const { base, agent, components, all } = shipped()
const ha = hasKubectl ? render('overlays/ha') : []
const settingEnvs = new Set(Object.values(settings).map((s) => s.env))

const containersOf = (workload: any) => [
  ...(workload.spec.template.spec.initContainers ?? []),
  ...workload.spec.template.spec.containers,
]

describe('k8s manifests', () => {
  it('every YAML file under k8s/ parses, and the dashboard JSON too', () => {
    const files = filesUnder(k8sDir)
    expect(files.length).toBeGreaterThan(20)
    for (const f of files.filter((f) => /\.ya?ml$/.test(f)))
      expect([f, yamlErrors(f)]).toEqual([f, []])
    for (const f of files.filter((f) => f.endsWith('.json'))) JSON.parse(readFileSync(f, 'utf8'))
  })

  it('every file a kustomization names exists, and every object file is in one (or is a template)', () => {
    const named = new Set<string>()
    for (const { dir, k } of kustomizations()) {
      const paths = [
        ...(k.resources ?? []),
        ...(k.components ?? []),
        ...(k.patches ?? []).flatMap((p) => (p.path ? [p.path] : [])),
        ...(k.configMapGenerator ?? []).flatMap((g) =>
          (g.files ?? []).map((f) => f.split('=').at(-1)!),
        ),
      ]
      for (const p of paths) {
        expect([dir, p, existsSync(join(dir, p))]).toEqual([dir, p, true])
        named.add(join(dir, p))
      }
    }
    const loose = filesUnder(k8sDir).filter(
      (f) => /\.ya?ml$/.test(f) && !f.endsWith('kustomization.yaml') && !named.has(f),
    )
    expect(loose.map((f) => f.slice(k8sDir.length + 1))).toEqual([
      'agent/secret.example.yaml',
      'base/secret.example.yaml',
    ])
  })

  test.skipIf(!hasKubectl)(
    'kubectl kustomize renders the base, its components, the overlay and the agent',
    () => {
      const withAll = render('base', [
        'components/node-remediation',
        'components/drift-secrets',
        'components/grafana-dashboard',
      ])
      expect(withAll.length).toBe(base.length + 5)
      expect(
        render('agent')
          .map((m) => m.object.kind)
          .sort(),
      ).toEqual(['DaemonSet', 'ServiceAccount'])
      const outside = objectsIn(ha, ...new Set(ha.map((m) => String(m.object.kind)))).filter(
        (o) => o.metadata.namespace !== 'vigil' && !/^(Cluster|Namespace)/.test(o.kind),
      )
      expect(outside).toEqual([])
    },
  )

  it('the secret templates hold keys only, and every VIGIL_ key is a setting', () => {
    for (const file of ['base/secret.example.yaml', 'agent/secret.example.yaml']) {
      const [secret] = manifestsOf([join(k8sDir, file)])
      const data = secret!.object.stringData as Record<string, string>
      expect(Object.values(data).every((v) => v === '')).toBe(true)
      if (file.startsWith('base'))
        for (const k of Object.keys(data)) expect(settingEnvs).toContain(k)
    }
  })

  it('the ConfigMap holds a config file vigil accepts, passed with --config', () => {
    const [cm] = objectsIn(base, 'ConfigMap')
    const dir = tempDir()
    writeFileSync(join(dir, 'vigil.yaml'), cm.data['vigil.yaml'])
    const config = loadConfig({ config: join(dir, 'vigil.yaml') }, { VIGIL_DATA_DIR: dir })
    expect(config.remediation.mode).toBe('dry_run')
    const [deployment] = objectsIn(base, 'Deployment')
    expect(deployment.spec.template.spec.containers[0].args).toEqual([
      'serve',
      '--config',
      '/etc/vigil/vigil.yaml',
    ])
  })
})

describe('k8s workloads', () => {
  const workloads = [...objectsIn(all, 'Deployment', 'DaemonSet'), ...objectsIn(ha, 'Deployment')]

  it.each(workloads.map((w, i) => [`${w.kind} ${w.metadata.name} #${i}`, w]))(
    '%s: every container is non-root, read-only, without privileges or capabilities, and bounded',
    (_, w: any) => {
      const pod = w.spec.template.spec
      for (const c of containersOf(w)) {
        const sc = c.securityContext
        expect(sc.runAsNonRoot ?? pod.securityContext.runAsNonRoot).toBe(true)
        expect(sc.runAsUser ?? pod.securityContext.runAsUser).toBe(65532)
        expect(sc.readOnlyRootFilesystem).toBe(true)
        expect(sc.allowPrivilegeEscalation).toBe(false)
        expect(sc.capabilities.drop).toEqual(['ALL'])
        expect((sc.seccompProfile ?? pod.securityContext.seccompProfile).type).toBe(
          'RuntimeDefault',
        )
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory'])
        expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory'])
        expect(c.volumeMounts.find((m: any) => m.mountPath === '/tmp')).toBeDefined()
        expect(c.env.find((e: any) => e.name === 'TMPDIR')).toBeUndefined()
      }
    },
  )

  it('the base runs one replica with Recreate, the database row as elector, the cluster CA and a PVC', () => {
    const [d] = objectsIn(base, 'Deployment')
    const env = Object.fromEntries(
      d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]),
    )
    expect([d.spec.replicas, d.spec.strategy.type]).toEqual([1, 'Recreate'])
    expect(env.VIGIL_LEADER_ELECTION).toBe('database')
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt')
    expect(d.spec.template.spec.containers[0].envFrom).toEqual([
      { secretRef: { name: 'vigil', optional: true } },
    ])
    expect(
      d.spec.template.spec.volumes.find((v: any) => v.name === 'data').persistentVolumeClaim
        .claimName,
    ).toBe('vigil-data')
    expect(d.spec.template.spec.serviceAccountName).toBe('vigil')
    for (const e of Object.keys(env)) if (e.startsWith('VIGIL_')) expect(settingEnvs).toContain(e)
    const [pdb] = objectsIn(base, 'PodDisruptionBudget')
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'vigil' } },
    })
  })

  test.skipIf(!hasKubectl)(
    'the ha overlay runs three replicas on a Lease and libSQL, without a PVC',
    () => {
      const [d] = objectsIn(ha, 'Deployment')
      const pod = d.spec.template.spec
      const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e]))
      expect([d.spec.replicas, d.spec.strategy.type]).toEqual([3, 'RollingUpdate'])
      expect(env.VIGIL_LEADER_ELECTION.value).toBe('kubernetes')
      expect(env.VIGIL_DB_URL.valueFrom.secretKeyRef).toEqual({
        name: 'vigil',
        key: 'VIGIL_DB_URL',
      })
      expect(env.VIGIL_SECRET_KEY.valueFrom.secretKeyRef).toEqual({
        name: 'vigil',
        key: 'VIGIL_SECRET_KEY',
      })
      const data = pod.volumes.find((v: any) => v.name === 'data')
      expect(data).toEqual({ name: 'data', emptyDir: { sizeLimit: '1Gi' } })
      expect(
        pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]
          .podAffinityTerm.topologyKey,
      ).toBe('kubernetes.io/hostname')
      expect(objectsIn(ha, 'PersistentVolumeClaim')).toEqual([])
      expect(objectsIn(ha, 'PodDisruptionBudget')[0].spec.minAvailable).toBe(2)
      expect(objectsIn(ha, 'PodDisruptionBudget')[0].spec.maxUnavailable).toBeUndefined()
    },
  )

  it('the agent runs the agent command on every node with the host read-only', () => {
    const [ds] = objectsIn(agent, 'DaemonSet')
    const pod = ds.spec.template.spec
    const c = pod.containers[0]
    expect(c.args).toEqual([
      'agent',
      '--server',
      'http://vigil.vigil.svc:8080',
      '--root',
      '/host',
      '--cgroup',
      '--hostname',
      '$(NODE_NAME)',
      '--listen',
      '0.0.0.0:9100',
    ])
    // The flags are the agent command's own: its parser accepts every one.
    const parsed = parseArgs({
      args: c.args.slice(1),
      options: { ...commonOptions, ...agentCommand.options },
      strict: true,
    })
    expect(parsed.values).toMatchObject({ root: '/host', cgroup: true, listen: '0.0.0.0:9100' })
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }])
    expect(c.env.find((e: { name: string }) => e.name === 'VIGIL_AGENT_TOKEN')).toEqual({
      name: 'VIGIL_AGENT_TOKEN',
      valueFrom: { secretKeyRef: { name: 'vigil-agent', key: 'VIGIL_AGENT_TOKEN' } },
    })
    const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m]))
    for (const at of ['/host', '/host/proc', '/host/sys']) expect(mounts[at].readOnly).toBe(true)
    expect(mounts['/host'].mountPropagation).toBe('HostToContainer')
    expect(pod.automountServiceAccountToken).toBe(false)
  })
})

describe('k8s probes', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await makeApp()
  })
  afterAll(() => t.close())

  it('every probe of vigil asks a route that answers 200 on a healthy server', async () => {
    const [d] = objectsIn(base, 'Deployment')
    const c = d.spec.template.spec.containers[0]
    const probes = [c.startupProbe, c.livenessProbe, c.readinessProbe]
    expect(probes.map((p) => p.httpGet.path)).toEqual(['/healthz', '/healthz', '/readyz'])
    for (const p of probes) {
      expect(p.httpGet.port).toBe(c.ports[0].name)
      expect((await t.app.request(p.httpGet.path)).status).toBe(200)
    }
  })
})

describe('agent probes', () => {
  it("ask the agent's own health listener, on the port its --listen flag opens", () => {
    const [ds] = objectsIn(agent, 'DaemonSet')
    const c = ds.spec.template.spec.containers[0]
    const args: string[] = c.args
    expect(args[args.indexOf('--listen') + 1]).toBe(`0.0.0.0:${c.ports[0].containerPort}`)
    for (const p of [c.livenessProbe, c.readinessProbe]) {
      expect(p.httpGet).toEqual({ path: '/healthz', port: c.ports[0].name })
    }
  })
})

describe('k8s compliance', () => {
  const check = (manifests: typeof all) =>
    checkCompliance([defaultCompliancePolicy], manifests).map(
      (v) => `${v.resource.kind} ${v.resource.name} ${v.rule} ${v.path}`,
    )

  it("vigil's built-in compliance rules find nothing in the base, the components and the ha overlay", () => {
    expect(check([...base, ...components, ...ha])).toEqual([])
  })

  it('the agent breaks only the rule it must: host paths (it reads the node)', () => {
    expect(check(agent)).toEqual([
      'DaemonSet vigil-agent host-path /spec/template/spec/volumes/0/hostPath',
      'DaemonSet vigil-agent host-path /spec/template/spec/volumes/1/hostPath',
      'DaemonSet vigil-agent host-path /spec/template/spec/volumes/2/hostPath',
    ])
  })
})
