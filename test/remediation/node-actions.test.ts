import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'bun:test'
import { connectCluster, type Cluster, type KubeObject } from '../../src/k8s/index.ts'
import {
  actions,
  ActionRefusedError,
  isTransient,
  VerificationError,
} from '../../src/remediation/actions/index.ts'
import type { DrainOutput } from '../../src/remediation/actions/drain-node.ts'
import {
  actionContext,
  expectDryRunOnly,
  node,
  readyPod,
  rejection,
  seedDeploymentPods,
} from '../helpers/actions.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster
let k8s: Cluster

beforeAll(async () => {
  fc = await startFakeCluster()
  k8s = await connectCluster(fc.settings('nodes.yaml'))
})
beforeEach(() => {
  for (const pod of fc.api.list('v1', 'Pod'))
    fc.api.remove('v1', 'Pod', pod.metadata.namespace, pod.metadata.name)
  for (const pdb of fc.api.list('policy/v1', 'PodDisruptionBudget'))
    fc.api.remove('policy/v1', 'PodDisruptionBudget', pdb.metadata.namespace, pdb.metadata.name)
  fc.api.seed(node('n1'), node('n2'), node('n3', true))
})
afterEach(() => {
  fc.api.controllers.pods = false
})
afterAll(async () => {
  k8s.close()
  await fc.close()
})

const unschedulable = (name: string) =>
  (fc.api.read('v1', 'Node', undefined, name)!.spec as { unschedulable?: boolean })
    .unschedulable === true
const podsOn = (name: string) =>
  fc.api
    .list('v1', 'Pod')
    .filter((p) => (p.spec as { nodeName?: string }).nodeName === name)
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
const pdb = (namespace: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace },
  spec,
})

describe('cordon_node', () => {
  const { cordon_node: action } = actions

  it('run() marks the node unschedulable; impact() counts the nodes left schedulable; verify() passes', async () => {
    const ctx = actionContext(k8s)
    expect(await action.impact!(ctx, { node: 'n1' })).toEqual({
      unit: 'nodes',
      affected: 1,
      total: 3,
      schedulableAfter: 1,
    })
    expect((await action.run(ctx, { node: 'n1' })).message).toBe('cordoned node n1')
    expect(unschedulable('n1')).toBe(true)
    expect(await action.verify!(ctx, { node: 'n1' }, { message: '' }, 1_000)).toBe(
      'node n1 is cordoned',
    )
  })

  it('impact() of an already cordoned node leaves the schedulable count as it is', async () => {
    expect(await action.impact!(actionContext(k8s), { node: 'n3' })).toMatchObject({
      schedulableAfter: 2,
    })
  })

  it('verify() throws a VerificationError when the node is schedulable again', async () => {
    const ctx = actionContext(k8s)
    await action.run(ctx, { node: 'n2' })
    fc.api.mutate('v1', 'Node', undefined, 'n2', (n) => void (n.spec = {}))
    const err = await rejection(action.verify!(ctx, { node: 'n2' }, { message: '' }, 2_000))
    expect(err).toBeInstanceOf(VerificationError)
    expect(err.message).toBe(
      'node n2 cordoned was not reached within 2s; last seen: node n2 is not cordoned yet',
    )
  })

  it('run() on a dry run leaves the node schedulable', async () => {
    const out = await expectDryRunOnly(fc, () =>
      action.run(actionContext(k8s, { dryRun: true }), { node: 'n1' }),
    )
    expect(out).toEqual({
      message: 'would cordon node n1',
      output: { dryRun: true, unschedulable: true },
    })
    expect(unschedulable('n1')).toBe(false)
  })
})

describe('uncordon_node', () => {
  const { uncordon_node: action } = actions

  it('run() makes the node schedulable and verify() passes', async () => {
    const ctx = actionContext(k8s)
    expect((await action.run(ctx, { node: 'n3' })).message).toBe('uncordoned node n3')
    expect(unschedulable('n3')).toBe(false)
    expect(await action.verify!(ctx, { node: 'n3' }, { message: '' }, 1_000)).toBe(
      'node n3 is schedulable',
    )
  })

  it('verify() fails while the node stays cordoned; a dry run changes nothing', async () => {
    const ctx = actionContext(k8s, { dryRun: true })
    await expectDryRunOnly(fc, () => action.run(ctx, { node: 'n3' }))
    expect(unschedulable('n3')).toBe(true)
    expect(
      await rejection(action.verify!(ctx, { node: 'n3' }, { message: '' }, 1_000)),
    ).toBeInstanceOf(VerificationError)
  })
})

describe('drain_node', () => {
  const { drain_node: action } = actions

  function seedMixedNode(): void {
    fc.api.controllers.pods = true
    seedDeploymentPods(fc, 'shop', 'web', 2, 'n1')
    const [ds] = fc.api.seed({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'ops' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: {
          metadata: { labels: { app: 'agent' } },
          spec: { containers: [{ name: 'a', image: 'agent:1' }] },
        },
      },
    })
    const mirror = readyPod('kube-system', 'etcd-n1', { node: 'n1' })
    mirror.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc' }
    fc.api.seed(
      readyPod('ops', 'agent-n1', {
        node: 'n1',
        labels: { app: 'agent' },
        owner: ds as KubeObject,
      }),
      mirror,
      readyPod('shop', 'bare', { node: 'n1' }),
      readyPod('shop', 'elsewhere', { node: 'n2' }),
    )
  }

  it('run() cordons and evicts all but DaemonSet and mirror pods; replacements land elsewhere; verify() passes', async () => {
    seedMixedNode()
    const ctx = actionContext(k8s)
    expect(await action.impact!(ctx, action.params.parse({ node: 'n1' }))).toEqual({
      unit: 'nodes',
      affected: 1,
      total: 3,
      schedulableAfter: 1,
    })
    const params = action.params.parse({ node: 'n1' })
    const out = await action.run(ctx, params)
    expect(out.message).toBe('drained node n1: 3 pod(s) evicted, 2 skipped')
    expect(out.output).toEqual({
      dryRun: false,
      evicted: ['shop/bare', 'shop/web-0', 'shop/web-1'],
      skipped: [
        { pod: 'kube-system/etcd-n1', reason: 'mirror pod' },
        { pod: 'ops/agent-n1', reason: 'DaemonSet-managed' },
      ],
      blocked: [],
    })
    expect(unschedulable('n1')).toBe(true)
    expect(podsOn('n1').sort()).toEqual(['kube-system/etcd-n1', 'ops/agent-n1'])
    expect(podsOn('n2')).toHaveLength(3)
    expect(fc.api.count({ method: 'POST', path: /\/eviction$/ })).toBeGreaterThanOrEqual(3)
    expect(await action.verify!(ctx, params, out, 2_000)).toBe(
      'node n1 is cordoned and has no evictable pods',
    )
  })

  it('run() retries an eviction a PodDisruptionBudget refuses until the budget allows it', async () => {
    fc.api.seed(
      readyPod('queue', 'q-1', { node: 'n1', labels: { app: 'queue' } }),
      readyPod('queue', 'q-2', { node: 'n2', labels: { app: 'queue' }, ready: false }),
      pdb('queue', 'queue', { minAvailable: 1, selector: { matchLabels: { app: 'queue' } } }),
    )
    const ctx = actionContext(k8s)
    const sleep = ctx.sleep
    ctx.sleep = async (ms) => {
      await sleep(ms)
      if (ctx.slept.length === 2)
        fc.api.mutate('v1', 'Pod', 'queue', 'q-2', (p) => {
          p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }
        })
    }
    const out = await action.run(ctx, action.params.parse({ node: 'n1' }))
    expect((out.output as DrainOutput).evicted).toEqual(['queue/q-1'])
    expect(ctx.slept).toEqual([1000, 2000])
    expect(fc.api.read('v1', 'Pod', 'queue', 'q-1')).toBeUndefined()
  })

  it('run() fails after the timeout naming each blocked pod and its PodDisruptionBudget', async () => {
    fc.api.seed(
      readyPod('queue', 'q-1', { node: 'n1', labels: { app: 'queue' } }),
      readyPod('queue', 'q-2', { node: 'n2', labels: { app: 'queue' } }),
      pdb('queue', 'queue', { maxUnavailable: 0, selector: { matchLabels: { app: 'queue' } } }),
    )
    const ctx = actionContext(k8s)
    const err = await rejection(
      action.run(ctx, action.params.parse({ node: 'n1', timeoutSeconds: 5 })),
    )
    expect(err.message).toBe(
      'drain of node n1 timed out: 1 pod(s) blocked by PodDisruptionBudgets: queue/q-1 by PodDisruptionBudget queue (The disruption budget queue needs 2 healthy pods and has 2 currently)',
    )
    expect(ctx.slept.reduce((a, b) => a + b, 0)).toBe(5_000)
    expect(isTransient(err)).toBe(true)
    expect(fc.api.read('v1', 'Pod', 'queue', 'q-1')).toBeDefined()
  })

  it('run() refuses a node with DaemonSet pods when ignoreDaemonSets is false', async () => {
    seedMixedNode()
    const err = await rejection(
      action.run(actionContext(k8s), action.params.parse({ node: 'n1', ignoreDaemonSets: false })),
    )
    expect(err).toBeInstanceOf(ActionRefusedError)
    expect(err.message).toBe(
      'node n1 runs DaemonSet-managed pods (ops/agent-n1): set ignoreDaemonSets to drain it anyway',
    )
  })

  it('run() on a dry run evicts nothing, cordons nothing, and reports what a budget would refuse', async () => {
    seedMixedNode()
    fc.api.seed(pdb('shop', 'bare', { minAvailable: 1, selector: { matchLabels: {} } }))
    fc.api.seed(pdb('shop', 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }))
    const ctx = actionContext(k8s, { dryRun: true })
    const out = await expectDryRunOnly(fc, () =>
      action.run(ctx, action.params.parse({ node: 'n1' })),
    )
    const output = out.output as DrainOutput
    expect(output.evicted).toEqual(['shop/bare'])
    expect(output.blocked.map((b) => [b.pod, b.pdb])).toEqual([
      ['shop/web-0', 'web'],
      ['shop/web-1', 'web'],
    ])
    expect(out.message).toContain(
      'would drain node n1: 1 pod(s) evicted, 2 skipped; would be refused: shop/web-0 by PodDisruptionBudget web',
    )
    expect(ctx.slept).toEqual([])
    expect(unschedulable('n1')).toBe(false)
    expect(podsOn('n1')).toHaveLength(5)
  })

  it('verify() throws a VerificationError while a pod is still on the node', async () => {
    const ctx = actionContext(k8s)
    const params = action.params.parse({ node: 'n2' })
    const out = await action.run(ctx, params)
    fc.api.seed(readyPod('shop', 'late', { node: 'n2' }))
    const err = await rejection(action.verify!(ctx, params, out, 2_000))
    expect(err).toBeInstanceOf(VerificationError)
    expect(err.message).toBe(
      'node n2 drained was not reached within 2s; last seen: 1 pod(s) still on it: shop/late',
    )
  })
})
