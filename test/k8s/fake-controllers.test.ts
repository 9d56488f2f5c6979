import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import { connectCluster, KubeApiError, type Cluster } from '../../src/k8s/index.ts'
import { node, readyPod, seedDeploymentPods } from '../helpers/actions.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster
let k8s: Cluster

beforeAll(async () => {
  fc = await startFakeCluster()
  k8s = await connectCluster(fc.settings('controllers.yaml'))
  fc.api.seed(node('n1', true), node('n2'))
})
afterEach(() => {
  fc.api.controllers.pods = false
  fc.api.controllers.workloads = false
})
afterAll(async () => {
  k8s.close()
  await fc.close()
})

const pods = (namespace?: string) => ({ group: '', version: 'v1', resource: 'pods', namespace })
const evictError = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as KubeApiError,
  )
const pdb = (namespace: string, spec: Record<string, unknown>) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'budget', namespace },
  spec: { selector: { matchLabels: { app: 'q' } }, ...spec },
})

describe('fake API server controllers and evictions', () => {
  it('lists pods by the spec.nodeName field selector', async () => {
    fc.api.seed(readyPod('fields', 'a', { node: 'n2' }), readyPod('fields', 'b', { node: 'n1' }))
    const { items } = await k8s.list(pods(), { fieldSelector: 'spec.nodeName=n2' })
    expect(items.map((p) => p.metadata.name)).toEqual(['a'])
  })

  it('pods: replaces a deleted ReplicaSet pod with a Ready one on a schedulable node; off by default', async () => {
    seedDeploymentPods(fc, 'ctl', 'web', 2, 'n1')
    await k8s.delete(pods('ctl'), 'web-0')
    expect(fc.api.list('v1', 'Pod', 'ctl')).toHaveLength(1)
    fc.api.controllers.pods = true
    await k8s.delete(pods('ctl'), 'web-1')
    const [replacement] = fc.api.list('v1', 'Pod', 'ctl')
    expect(replacement!.metadata.name).toMatch(/^web-[0-9a-f]{10}-[0-9a-f]{5}$/)
    expect(replacement!.spec).toMatchObject({ nodeName: 'n2' })
    expect(replacement!.status).toMatchObject({ conditions: [{ type: 'Ready', status: 'True' }] })
  })

  it('workloads: a StatefulSet write reports it rolled out at the new generation; off by default', async () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'ctl' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'db', image: 'postgres:17' }] },
        },
      },
    }
    await k8s.create(sts)
    expect(fc.api.read('apps/v1', 'StatefulSet', 'ctl', 'db')!.status).toBeUndefined()
    fc.api.controllers.workloads = true
    await k8s.patch(
      { group: 'apps', version: 'v1', resource: 'statefulsets', namespace: 'ctl' },
      'db',
      { spec: { replicas: 3 } },
      { type: 'merge' },
    )
    expect(fc.api.read('apps/v1', 'StatefulSet', 'ctl', 'db')!.status).toMatchObject({
      observedGeneration: 2,
      updatedReplicas: 3,
      readyReplicas: 3,
    })
  })

  it('eviction counts only Ready pods as healthy (a seeded pod without status counts as Ready)', async () => {
    fc.api.seed(
      readyPod('pdb-ready', 'q-1', { labels: { app: 'q' } }),
      readyPod('pdb-ready', 'q-2', { labels: { app: 'q' }, ready: false }),
      pdb('pdb-ready', { minAvailable: 1 }),
    )
    const err = await evictError(k8s.evict('pdb-ready', 'q-1'))
    expect(err).toMatchObject({ statusCode: 429, reason: 'TooManyRequests' })
    expect(JSON.stringify(err!.details)).toContain(
      'The disruption budget budget needs 1 healthy pods and has 1 currently',
    )
    // The unhealthy pod may go: the budget is met without it.
    await k8s.evict('pdb-ready', 'q-2')
    expect(fc.api.read('v1', 'Pod', 'pdb-ready', 'q-2')).toBeUndefined()
  })

  it('eviction resolves maxUnavailable and percentages against the matching pods', async () => {
    fc.api.seed(
      ...['a', 'b', 'c', 'd'].map((n) => readyPod('pdb-pct', `q-${n}`, { labels: { app: 'q' } })),
      pdb('pdb-pct', { maxUnavailable: '25%' }),
    )
    await k8s.evict('pdb-pct', 'q-a')
    // 3 pods left, 25% of 3 rounds down to 0 unavailable: the next eviction is refused.
    expect(await evictError(k8s.evict('pdb-pct', 'q-b'))).toMatchObject({ statusCode: 429 })
    fc.api.seed(
      readyPod('pdb-min', 'q-1', { labels: { app: 'q' } }),
      readyPod('pdb-min', 'q-2', { labels: { app: 'q' } }),
      pdb('pdb-min', { minAvailable: '50%' }),
    )
    await k8s.evict('pdb-min', 'q-1')
    expect(await evictError(k8s.evict('pdb-min', 'q-2'))).toMatchObject({ statusCode: 429 })
  })
})
