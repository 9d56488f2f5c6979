import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { connectCluster, KubeApiError, type Cluster, type KubeObject } from '../../src/k8s/index.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster
let k8s: Cluster

const deployments = { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'shop' }
const pods = { group: '', version: 'v1', resource: 'pods', namespace: 'shop' }
const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespace: 'shop' }

function deployment(name: string, image = 'nginx:1.27', replicas = 2): KubeObject {
  const labels = { app: name }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop', labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'app',
              image,
              env: [{ name: 'A', value: '1' }],
              ports: [{ containerPort: 80 }],
            },
            { name: 'sidecar', image: 'envoy:1.30' },
          ],
        },
      },
    },
  }
}

const pod = (name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
})

async function failure(p: Promise<unknown>): Promise<KubeApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(KubeApiError)
  return err as KubeApiError
}

beforeAll(async () => {
  fc = await startFakeCluster()
  fc.api.seed(
    pod('web-1', { app: 'web', tier: 'front', env: 'prod' }),
    pod('web-2', { app: 'web', tier: 'front', env: 'staging' }),
    pod('db-1', { app: 'db', tier: 'back', env: 'prod', legacy: 'yes' }),
  )
  k8s = await connectCluster(fc.settings('rest.yaml'))
})
afterAll(async () => {
  k8s.close()
  await fc.close()
})

describe('ClusterReader over HTTPS with a client certificate', () => {
  it('discover() finds namespaced and cluster-scoped kinds; resourceFor() maps a kind', async () => {
    const all = await k8s.discover()
    expect(all.find((r) => r.kind === 'Node')).toMatchObject({
      resource: 'nodes',
      namespaced: false,
    })
    expect(await k8s.resourceFor('apps/v1', 'Deployment')).toMatchObject({
      group: 'apps',
      resource: 'deployments',
      namespaced: true,
    })
    expect((await failure(k8s.resourceFor('example.com/v1', 'Widget'))).reason).toBe('NotFound')
  })

  it.each([
    ['app=web', ['web-1', 'web-2']],
    ['app==web,env!=staging', ['web-1']],
    ['env in (prod, dev)', ['db-1', 'web-1']],
    ['tier notin (front)', ['db-1']],
    ['legacy', ['db-1']],
    ['!legacy,app', ['web-1', 'web-2']],
  ])(
    'list() with labelSelector %s returns %j and a resourceVersion',
    async (labelSelector, names) => {
      const list = await k8s.list(pods, { labelSelector })
      expect(list.items.map((o) => o.metadata.name).sort()).toEqual(names)
      expect(Number(list.resourceVersion)).toBeGreaterThan(1000)
      expect(list.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' })
    },
  )

  it('list() reads every page of a long collection', async () => {
    const many = Array.from({ length: 1203 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${i}`, namespace: 'paged' },
      data: { i: String(i) },
    }))
    fc.api.seed(...many)
    const before = fc.api.count({ path: '/api/v1/namespaces/paged/configmaps' })
    const list = await k8s.list({ ...configmaps, namespace: 'paged' })
    expect(list.items).toHaveLength(1203)
    expect(fc.api.count({ path: '/api/v1/namespaces/paged/configmaps' }) - before).toBe(3)
  })

  it('get() returns the object as the server sent it, or null when it does not exist', async () => {
    const got = await k8s.get(pods, 'web-1')
    expect(got?.metadata.uid).toMatch(/^[0-9a-f-]{36}$/)
    expect(typeof got?.metadata.creationTimestamp).toBe('string')
    expect(await k8s.get(pods, 'nope')).toBeNull()
  })
})

describe('ClusterWriter', () => {
  it('create() stores, and dryRun validates and answers without storing', async () => {
    const dry = await k8s.create(deployment('dry'), { dryRun: true })
    expect(dry.metadata.uid).toBeDefined()
    expect(fc.api.read('apps/v1', 'Deployment', 'shop', 'dry')).toBeUndefined()
    const made = await k8s.create(deployment('web'))
    expect(made.metadata).toMatchObject({ generation: 1, name: 'web' })
    expect(fc.api.read('apps/v1', 'Deployment', 'shop', 'web')).toBeDefined()
  })

  it('patch() merge replaces lists; strategic merges containers and env by name', async () => {
    const merged = await k8s.patch(deployments, 'web', { spec: { replicas: 3 } }, { type: 'merge' })
    expect(merged.spec).toMatchObject({ replicas: 3 })
    expect(merged.metadata.generation).toBe(2)
    const strategic = await k8s.patch(
      deployments,
      'web',
      {
        spec: {
          template: {
            spec: {
              containers: [{ name: 'app', image: 'nginx:1.28', env: [{ name: 'B', value: '2' }] }],
            },
          },
        },
      },
      { type: 'strategic', fieldManager: 'tester' },
    )
    const containers = (strategic.spec as any).template.spec.containers
    expect(containers.map((c: any) => `${c.name}=${c.image}`)).toEqual([
      'app=nginx:1.28',
      'sidecar=envoy:1.30',
    ])
    expect(containers[0].env.map((e: any) => e.name)).toEqual(['A', 'B'])
    expect(containers[0].ports).toEqual([{ containerPort: 80 }])
    const replaced = await k8s.patch(
      deployments,
      'web',
      { spec: { template: { spec: { containers: [{ name: 'only', image: 'x:1' }] } } } },
      { type: 'merge', dryRun: true },
    )
    expect((replaced.spec as any).template.spec.containers).toEqual([
      { name: 'only', image: 'x:1' },
    ])
    const stored = fc.api.read('apps/v1', 'Deployment', 'shop', 'web') as any
    expect(stored.spec.template.spec.containers).toHaveLength(2)
  })

  it('patch() json applies JSON patch operations', async () => {
    const out = await k8s.patch(
      deployments,
      'web',
      [{ op: 'replace', path: '/spec/replicas', value: 5 }],
      { type: 'json' },
    )
    expect(out.spec).toMatchObject({ replicas: 5 })
  })

  it('apply() records the field manager; another manager conflicts with 409 unless forced', async () => {
    const mine = await k8s.apply(deployment('api', 'api:1.0', 2), { fieldManager: 'vigil' })
    expect(mine.metadata.managedFields?.map((m) => `${m.manager}:${m.operation}`)).toEqual([
      'vigil:Apply',
    ])
    await k8s.patch(
      deployments,
      'api',
      { spec: { replicas: 7 } },
      { type: 'merge', fieldManager: 'hpa' },
    )
    const owners = fc.api.read('apps/v1', 'Deployment', 'shop', 'api')!.metadata
      .managedFields as any[]
    expect(owners.find((m) => m.manager === 'hpa').fieldsV1).toEqual({
      'f:spec': { 'f:replicas': {} },
    })

    const conflict = await failure(
      k8s.apply(deployment('api', 'api:1.0', 2), { fieldManager: 'vigil' }),
    )
    expect(conflict).toMatchObject({ statusCode: 409, reason: 'Conflict' })
    expect(conflict.message).toContain('conflict with "hpa": .spec.replicas')

    const dry = await k8s.apply(deployment('api', 'api:1.0', 2), {
      fieldManager: 'vigil',
      force: true,
      dryRun: true,
    })
    expect(dry.spec).toMatchObject({ replicas: 2 })
    expect(fc.api.read('apps/v1', 'Deployment', 'shop', 'api')!.spec).toMatchObject({ replicas: 7 })

    const forced = await k8s.apply(deployment('api', 'api:1.0', 2), {
      fieldManager: 'vigil',
      force: true,
    })
    expect(forced.spec).toMatchObject({ replicas: 2 })
  })

  it('apply() drops the fields a manager no longer applies', async () => {
    const config = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop' },
    }
    await k8s.apply({ ...config, data: { a: '1', b: '2' } }, { fieldManager: 'vigil' })
    const out = await k8s.apply({ ...config, data: { a: '1' } }, { fieldManager: 'vigil' })
    expect(out.data).toEqual({ a: '1' })
  })

  it('delete() removes the object and its ReplicaSets; a second delete is NotFound', async () => {
    const sets = () =>
      fc.api
        .list('apps/v1', 'ReplicaSet', 'shop')
        .filter((rs) => rs.metadata.name.startsWith('web-'))
    expect(sets().length).toBeGreaterThan(0)
    await k8s.delete(deployments, 'web', { dryRun: true })
    expect(fc.api.read('apps/v1', 'Deployment', 'shop', 'web')).toBeDefined()
    await k8s.delete(deployments, 'web', { propagationPolicy: 'Background' })
    expect(fc.api.read('apps/v1', 'Deployment', 'shop', 'web')).toBeUndefined()
    expect(sets()).toHaveLength(0)
    expect((await failure(k8s.delete(deployments, 'web'))).reason).toBe('NotFound')
  })

  it('evict() honours a PodDisruptionBudget (429) and dry run', async () => {
    fc.api.seed(pod('q-1', { app: 'queue' }), pod('q-2', { app: 'queue' }), {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'queue', namespace: 'shop' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'queue' } } },
    })
    await k8s.evict('shop', 'q-1', { dryRun: true })
    expect(fc.api.read('v1', 'Pod', 'shop', 'q-1')).toBeDefined()
    await k8s.evict('shop', 'q-1')
    expect(fc.api.read('v1', 'Pod', 'shop', 'q-1')).toBeUndefined()
    const refused = await failure(k8s.evict('shop', 'q-2'))
    expect(refused).toMatchObject({ statusCode: 429, reason: 'TooManyRequests' })
  })
})

describe('KubeApiError mapping', () => {
  it('maps 404, 409 AlreadyExists, 409 Conflict and 422 Invalid with the server message', async () => {
    const missing = await failure(k8s.patch(deployments, 'ghost', {}, { type: 'merge' }))
    expect(missing).toMatchObject({
      statusCode: 404,
      reason: 'NotFound',
      code: 'kubernetes_not_found',
    })
    expect(missing.message).toContain('deployments.apps "ghost" not found')

    await k8s.create(deployment('dup'))
    expect(await failure(k8s.create(deployment('dup')))).toMatchObject({
      statusCode: 409,
      reason: 'AlreadyExists',
    })

    const stale = { metadata: { resourceVersion: '1' }, spec: { replicas: 1 } }
    expect(await failure(k8s.patch(deployments, 'dup', stale, { type: 'merge' }))).toMatchObject({
      statusCode: 409,
      reason: 'Conflict',
    })

    const bad = deployment('Bad_Name')
    const invalid = await failure(k8s.create(bad))
    expect(invalid).toMatchObject({
      statusCode: 422,
      reason: 'Invalid',
      code: 'kubernetes_invalid',
    })
    expect(invalid.message).toContain('metadata.name')
    expect((invalid.details as any).causes[0].field).toBe('metadata.name')
  })

  it('maps a 403 from RBAC and an unreachable server', async () => {
    fc.api.failNext({
      path: '/api/v1/namespaces/shop/pods',
      status: 403,
      message: 'pods is forbidden',
    })
    expect(await failure(k8s.list(pods))).toMatchObject({ statusCode: 403, reason: 'Forbidden' })
    const file = join(fc.dir, 'closed.yaml')
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        clusters: [
          {
            name: 'c',
            cluster: { server: 'https://127.0.0.1:1', 'certificate-authority': fc.certs.caFile },
          },
        ],
        users: [{ name: 'u', user: { token: 'x' } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'c',
      }),
    )
    const closed = await connectCluster({ kubeconfig: file, context: undefined, env: {} as never })
    expect(await failure(closed.list(pods))).toMatchObject({ statusCode: 0, reason: 'Unreachable' })
  })

  it('refuses a client certificate from another CA with 401', async () => {
    const file = fc.kubeconfig('rogue.yaml')
    writeFileSync(
      file,
      (await Bun.file(file).text())
        .replace(fc.certs.clientCertFile, fc.certs.rogueCertFile)
        .replace(fc.certs.clientKeyFile, fc.certs.rogueKeyFile),
    )
    const rogue = await connectCluster({ kubeconfig: file, context: undefined, env: {} as never })
    expect(await failure(rogue.list(pods))).toMatchObject({
      statusCode: 401,
      reason: 'Unauthorized',
    })
  })
})
