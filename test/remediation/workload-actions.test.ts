import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import { connectCluster, KubeApiError, type Cluster, type KubeObject } from '../../src/k8s/index.ts'
import {
  actions,
  ActionRefusedError,
  VerificationError,
} from '../../src/remediation/actions/index.ts'
import {
  restartedAtKey,
  type RolloutOutput,
} from '../../src/remediation/actions/rollout-restart.ts'
import {
  actionContext,
  deployment,
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
  k8s = await connectCluster(fc.settings('actions.yaml'))
  fc.api.seed(node('worker-1'))
})
afterEach(() => {
  fc.api.controllers.pods = false
  fc.api.controllers.workloads = false
})
afterAll(async () => {
  k8s.close()
  await fc.close()
})

const stall = (ns: string, name: string, kind = 'Deployment') =>
  fc.api.mutate('apps/v1', kind, ns, name, (d) => {
    d.status = { ...(d.status as object), readyReplicas: 0, availableReplicas: 0 }
  })

describe('restart_pod', () => {
  const { restart_pod: action } = actions

  it('run() deletes the pod and verify() passes once its ReplicaSet has a new Ready pod', async () => {
    fc.api.controllers.pods = true
    seedDeploymentPods(fc, 'restart', 'api', 3)
    const ctx = actionContext(k8s)
    const params = action.params.parse({ namespace: 'restart', pod: 'api-0' })
    expect(await action.impact!(ctx, params)).toEqual({ unit: 'pods', affected: 1, total: 3 })
    const out = await action.run(ctx, params)
    expect(out.message).toBe('deleted pod restart/api-0')
    expect(fc.api.read('v1', 'Pod', 'restart', 'api-0')).toBeUndefined()
    expect(await action.verify!(ctx, params, out, 10_000)).toContain('has 3/3 pods Ready')
    expect(fc.api.list('v1', 'Pod', 'restart')).toHaveLength(3)
  })

  it('verify() throws a VerificationError when the owner never replaces the pod', async () => {
    seedDeploymentPods(fc, 'restart-stuck', 'api', 3)
    const ctx = actionContext(k8s)
    const params = action.params.parse({ namespace: 'restart-stuck', pod: 'api-1' })
    const out = await action.run(ctx, params)
    const err = await rejection(action.verify!(ctx, params, out, 5_000))
    expect(err).toBeInstanceOf(VerificationError)
    expect(err.message).toMatch(/pod restart-stuck\/api-1 replaced was not reached within 5s/)
    expect(err.message).toMatch(/has 2\/3 pods Ready/)
    expect(ctx.slept.reduce((a, b) => a + b, 0)).toBe(5_000)
  })

  it('impact() is 1 of 1 for a pod without a controller, and verify() passes once it is gone', async () => {
    fc.api.seed(readyPod('restart-bare', 'lonely'))
    const ctx = actionContext(k8s)
    const params = action.params.parse({ namespace: 'restart-bare', pod: 'lonely' })
    expect(await action.impact!(ctx, params)).toEqual({ unit: 'pods', affected: 1, total: 1 })
    const out = await action.run(ctx, params)
    expect(await action.verify!(ctx, params, out, 1_000)).toBe(
      'pod restart-bare/lonely replaced; pod restart-bare/lonely is gone',
    )
  })

  it('run() on a dry run keeps the pod and sends the delete as dryRun=All', async () => {
    fc.api.seed(readyPod('restart-dry', 'web-1'))
    const ctx = actionContext(k8s, { dryRun: true })
    const params = action.params.parse({ namespace: 'restart-dry', pod: 'web-1' })
    const out = await expectDryRunOnly(fc, () => action.run(ctx, params))
    expect(out.message).toBe('would delete pod restart-dry/web-1')
    expect(fc.api.read('v1', 'Pod', 'restart-dry', 'web-1')).toBeDefined()
  })

  it('run() fails with NotFound for a missing pod', async () => {
    const err = await rejection(
      action.run(actionContext(k8s), { namespace: 'default', pod: 'ghost' }),
    )
    expect(err).toBeInstanceOf(KubeApiError)
    expect((err as KubeApiError).reason).toBe('NotFound')
    expect(err.message).toBe('pod default/ghost not found')
  })
})

describe('rollout_restart', () => {
  const { rollout_restart: action } = actions

  it('run() stamps restartedAt with ctx.now, the controller rolls a new ReplicaSet, verify() passes', async () => {
    fc.api.seed(deployment('rollout', 'web', 4))
    const ctx = actionContext(k8s)
    const params = action.params.parse({ namespace: 'rollout', name: 'web' })
    expect(params.kind).toBe('Deployment')
    expect(await action.impact!(ctx, params)).toEqual({ unit: 'pods', affected: 1, total: 4 })
    const out = await action.run(ctx, params)
    const live = fc.api.read('apps/v1', 'Deployment', 'rollout', 'web')!
    const template = (live.spec as { template: KubeObject }).template
    expect(template.metadata.annotations?.[restartedAtKey]).toBe('2026-12-01T12:00:00.000Z')
    expect(live.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '2' })
    expect(fc.api.list('apps/v1', 'ReplicaSet', 'rollout')).toHaveLength(2)
    expect(await action.verify!(ctx, params, out, 5_000)).toBe('Deployment rollout/web rolled out')
  })

  it('impact() is the maxUnavailable share of the replicas (all of them with Recreate)', async () => {
    const d = deployment('rollout-impact', 'api', 10)
    ;(d.spec as Record<string, unknown>).strategy = { rollingUpdate: { maxUnavailable: '30%' } }
    const r = deployment('rollout-impact', 'batch', 3)
    ;(r.spec as Record<string, unknown>).strategy = { type: 'Recreate' }
    fc.api.seed(d, r)
    const ctx = actionContext(k8s)
    expect(
      await action.impact!(ctx, action.params.parse({ namespace: 'rollout-impact', name: 'api' })),
    ).toEqual({
      unit: 'pods',
      affected: 3,
      total: 10,
    })
    expect(
      await action.impact!(
        ctx,
        action.params.parse({ namespace: 'rollout-impact', name: 'batch' }),
      ),
    ).toEqual({
      unit: 'pods',
      affected: 3,
      total: 3,
    })
  })

  it('verify() throws a VerificationError when the Deployment never becomes available', async () => {
    fc.api.seed(deployment('rollout-stuck', 'web', 2))
    const ctx = actionContext(k8s)
    const params = action.params.parse({ namespace: 'rollout-stuck', name: 'web' })
    const out = await action.run(ctx, params)
    stall('rollout-stuck', 'web')
    const err = await rejection(action.verify!(ctx, params, out, 3_000))
    expect(err).toBeInstanceOf(VerificationError)
    expect(err.message).toBe(
      'the rollout of Deployment rollout-stuck/web was not reached within 3s; last seen: 2/2 replicas updated, 0/2 ready, 0/2 available',
    )
  })

  it.each(['StatefulSet', 'DaemonSet'] as const)('run() and verify() roll a %s', async (kind) => {
    fc.api.controllers.workloads = true
    const ns = `rollout-${kind.toLowerCase()}`
    const labels = { app: 'db' }
    fc.api.seed({
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: 'db', namespace: ns },
      spec: {
        ...(kind === 'StatefulSet' ? { replicas: 3, serviceName: 'db' } : {}),
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'db', image: 'postgres:17' }] },
        },
      },
      status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, desiredNumberScheduled: 3 },
    })
    const ctx = actionContext(k8s)
    const params = action.params.parse({ namespace: ns, kind, name: 'db' })
    expect(await action.impact!(ctx, params)).toEqual({ unit: 'pods', affected: 1, total: 3 })
    const out = await action.run(ctx, params)
    expect((out.output as RolloutOutput).generation).toBe(2)
    expect(await action.verify!(ctx, params, out, 5_000)).toBe(`${kind} ${ns}/db rolled out`)
  })

  it('run() on a dry run answers the object the server would store and stores nothing', async () => {
    fc.api.seed(deployment('rollout-dry', 'web', 2))
    const ctx = actionContext(k8s, { dryRun: true })
    const params = action.params.parse({ namespace: 'rollout-dry', name: 'web' })
    const out = await expectDryRunOnly(fc, () => action.run(ctx, params))
    const would = (out.output as RolloutOutput).object!
    expect(
      (would.spec as { template: KubeObject }).template.metadata.annotations?.[restartedAtKey],
    ).toBeDefined()
    expect(fc.api.list('apps/v1', 'ReplicaSet', 'rollout-dry')).toHaveLength(1)
  })
})

describe('scale_deployment', () => {
  const { scale_deployment: action } = actions

  it('run() sets spec.replicas, impact() is the change, verify() passes at the new count', async () => {
    fc.api.seed(deployment('scale', 'web', 2))
    const ctx = actionContext(k8s, { limits: { replicas: { min: 1, max: 10 } } })
    const params = action.params.parse({ namespace: 'scale', deployment: 'web', replicas: 5 })
    expect(await action.impact!(ctx, params)).toEqual({ unit: 'pods', affected: 3, total: 5 })
    const out = await action.run(ctx, params)
    expect(out.message).toBe('scaled Deployment scale/web from 2 to 5 replicas')
    expect(fc.api.read('apps/v1', 'Deployment', 'scale', 'web')!.spec).toMatchObject({
      replicas: 5,
    })
    expect(await action.verify!(ctx, params, out, 5_000)).toBe(
      'Deployment scale/web has 5 available replicas',
    )
  })

  it.each([
    [{ min: 2 }, 1, "replicas 1 is below the policy's minimum of 2"],
    [{ max: 4 }, 5, "replicas 5 is above the policy's maximum of 4"],
  ])(
    'run() refuses replicas outside %o (%d) before any write',
    async (bounds, replicas, message) => {
      fc.api.seed(deployment('scale-bounds', 'web', 3))
      const from = fc.api.requests.length
      const ctx = actionContext(k8s, { limits: { replicas: bounds } })
      const err = await rejection(
        action.run(ctx, { namespace: 'scale-bounds', deployment: 'web', replicas }),
      )
      expect(err).toBeInstanceOf(ActionRefusedError)
      expect(err.message).toBe(message)
      expect(fc.api.requests.slice(from).filter((r) => r.method !== 'GET')).toHaveLength(0)
    },
  )

  it('verify() throws a VerificationError when the replicas never become ready', async () => {
    fc.api.seed(deployment('scale-stuck', 'web', 1))
    const ctx = actionContext(k8s)
    const params = action.params.parse({ namespace: 'scale-stuck', deployment: 'web', replicas: 3 })
    const out = await action.run(ctx, params)
    stall('scale-stuck', 'web')
    const err = await rejection(action.verify!(ctx, params, out, 2_000))
    expect(err).toBeInstanceOf(VerificationError)
    expect(err.message).toContain('0/3 ready, 0/3 available')
  })

  it('run() on a dry run stores nothing', async () => {
    fc.api.seed(deployment('scale-dry', 'web', 2))
    const ctx = actionContext(k8s, { dryRun: true })
    const out = await expectDryRunOnly(fc, () =>
      action.run(ctx, { namespace: 'scale-dry', deployment: 'web', replicas: 4 }),
    )
    expect(out.message).toBe('would scale Deployment scale-dry/web from 2 to 4 replicas')
    expect(((out.output as RolloutOutput).object!.spec as { replicas: number }).replicas).toBe(4)
    expect(fc.api.read('apps/v1', 'Deployment', 'scale-dry', 'web')!.spec).toMatchObject({
      replicas: 2,
    })
  })
})

describe('rollback_deployment', () => {
  const { rollback_deployment: action } = actions
  const deployments = (namespace: string) => ({
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    namespace,
  })

  async function twoRevisions(ns: string): Promise<void> {
    fc.api.seed(deployment(ns, 'web', 2, 'nginx:1.26'))
    await k8s.patch(
      deployments(ns),
      'web',
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } },
      { type: 'strategic' },
    )
  }
  const imageOf = (ns: string) => {
    const d = fc.api.read('apps/v1', 'Deployment', ns, 'web')!
    return (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
      .containers[0]!.image
  }

  it("run() puts back the previous revision's template without pod-template-hash; verify() passes", async () => {
    await twoRevisions('rollback')
    expect(imageOf('rollback')).toBe('nginx:1.27')
    const ctx = actionContext(k8s)
    const params = action.params.parse({ namespace: 'rollback', deployment: 'web' })
    const out = await action.run(ctx, params)
    expect(out.message).toBe('rolled back Deployment rollback/web from revision 2 to 1')
    expect(imageOf('rollback')).toBe('nginx:1.26')
    const d = fc.api.read('apps/v1', 'Deployment', 'rollback', 'web')!
    const labels = (d.spec as { template: KubeObject }).template.metadata.labels
    expect(labels).toEqual({ app: 'web' })
    expect(await action.verify!(ctx, params, out, 5_000)).toBe('Deployment rollback/web rolled out')
  })

  it('run() refuses when there is no previous revision, or not the one asked for', async () => {
    fc.api.seed(deployment('rollback-none', 'web', 1))
    const ctx = actionContext(k8s)
    const none = await rejection(action.run(ctx, { namespace: 'rollback-none', deployment: 'web' }))
    expect(none).toBeInstanceOf(ActionRefusedError)
    expect(none.message).toBe(
      'Deployment rollback-none/web has no previous revision to roll back to (revisions: 1)',
    )
    const seven = await rejection(
      action.run(ctx, { namespace: 'rollback-none', deployment: 'web', revision: 7 }),
    )
    expect(seven.message).toBe('Deployment rollback-none/web has no revision 7 (revisions: 1)')
  })

  it('verify() throws a VerificationError when the rolled-back pods never become available', async () => {
    await twoRevisions('rollback-stuck')
    const ctx = actionContext(k8s)
    const params = action.params.parse({ namespace: 'rollback-stuck', deployment: 'web' })
    const out = await action.run(ctx, params)
    stall('rollback-stuck', 'web')
    expect(await rejection(action.verify!(ctx, params, out, 2_000))).toBeInstanceOf(
      VerificationError,
    )
  })

  it('run() on a dry run leaves the current template in place', async () => {
    await twoRevisions('rollback-dry')
    const ctx = actionContext(k8s, { dryRun: true })
    const out = await expectDryRunOnly(fc, () =>
      action.run(ctx, { namespace: 'rollback-dry', deployment: 'web', revision: 1 }),
    )
    expect(out.message).toBe('would roll back Deployment rollback-dry/web from revision 2 to 1')
    expect(imageOf('rollback-dry')).toBe('nginx:1.27')
  })
})
