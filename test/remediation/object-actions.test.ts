import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { connectCluster, KubeApiError, type Cluster, type KubeObject } from '../../src/k8s/index.ts'
import {
  actions,
  ActionRefusedError,
  VerificationError,
} from '../../src/remediation/actions/index.ts'
import {
  appliedFields,
  missingField,
  type ApplyOutput,
} from '../../src/remediation/actions/apply-manifest.ts'
import { actionContext, deployment, expectDryRunOnly, rejection } from '../helpers/actions.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster
let k8s: Cluster

beforeAll(async () => {
  fc = await startFakeCluster()
  k8s = await connectCluster(fc.settings('objects.yaml'))
  for (const name of ['apply', 'apply-conflict', 'apply-drift', 'apply-dry'])
    fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
})
afterAll(async () => {
  k8s.close()
  await fc.close()
})

const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
})

describe('apply_manifest', () => {
  const { apply_manifest: action } = actions

  it('run() server-side applies as vigil; verify() finds the applied fields', async () => {
    const ctx = actionContext(k8s)
    const params = action.params.parse({
      manifest: configMap('apply', 'settings', { mode: 'safe' }),
    })
    expect(action.target(params)).toEqual({
      kind: 'ConfigMap',
      namespace: 'apply',
      name: 'settings',
    })
    const out = await action.run(ctx, params)
    expect(out.message).toBe('applied ConfigMap apply/settings')
    const live = fc.api.read('v1', 'ConfigMap', 'apply', 'settings')!
    expect(live.data).toEqual({ mode: 'safe' })
    expect((out.output as ApplyOutput).resourceVersion).toBe(
      live.metadata.resourceVersion as string,
    )
    const managers = (live.metadata.managedFields as { manager: string; operation: string }[]).map(
      (m) => [m.manager, m.operation],
    )
    expect(managers).toEqual([['vigil', 'Apply']])
    expect(fc.api.requests.at(-1)).toMatchObject({
      method: 'PATCH',
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'vigil' },
    })
    expect(await action.verify!(ctx, params, out, 1_000)).toBe(
      'ConfigMap apply/settings holds the applied fields',
    )
  })

  it('verify() waits for a Deployment to observe the applied generation (a status sent is ignored)', async () => {
    const ctx = actionContext(k8s)
    const manifest = { ...deployment('apply', 'web', 3), status: { replicas: 99 } }
    const params = action.params.parse({ manifest })
    const out = await action.run(ctx, params)
    expect(await action.verify!(ctx, params, out, 1_000)).toBe(
      'Deployment apply/web holds the applied fields',
    )
  })

  it('run() fails with a Conflict on fields another manager owns unless force is set', async () => {
    await k8s.apply(configMap('apply-conflict', 'owned', { mode: 'helm' }), {
      fieldManager: 'helm',
    })
    const ctx = actionContext(k8s)
    const manifest = configMap('apply-conflict', 'owned', { mode: 'vigil' })
    const err = await rejection(action.run(ctx, action.params.parse({ manifest })))
    expect((err as KubeApiError).reason).toBe('Conflict')
    await action.run(ctx, action.params.parse({ manifest, force: true }))
    expect(fc.api.read('v1', 'ConfigMap', 'apply-conflict', 'owned')!.data).toEqual({
      mode: 'vigil',
    })
  })

  it('verify() throws a VerificationError when the object no longer holds the applied fields', async () => {
    const ctx = actionContext(k8s)
    const params = action.params.parse({
      manifest: configMap('apply-drift', 'settings', { mode: 'safe' }),
    })
    const out = await action.run(ctx, params)
    fc.api.mutate(
      'v1',
      'ConfigMap',
      'apply-drift',
      'settings',
      (o) => void (o.data = { mode: 'fast' }),
    )
    const err = await rejection(action.verify!(ctx, params, out, 2_000))
    expect(err).toBeInstanceOf(VerificationError)
    expect(err.message).toBe(
      'ConfigMap apply-drift/settings as applied was not reached within 2s; last seen: field data.mode differs from the manifest',
    )
  })

  it('run() on a dry run creates nothing and answers the object the server would store', async () => {
    const ctx = actionContext(k8s, { dryRun: true })
    const out = await expectDryRunOnly(fc, () =>
      action.run(
        ctx,
        action.params.parse({ manifest: configMap('apply-dry', 'settings', { a: '1' }) }),
      ),
    )
    expect(out.message).toBe('would apply ConfigMap apply-dry/settings')
    expect((out.output as ApplyOutput).object).toMatchObject({
      data: { a: '1' },
      metadata: { name: 'settings' },
    })
    expect(fc.api.read('v1', 'ConfigMap', 'apply-dry', 'settings')).toBeUndefined()
  })
})

describe('appliedFields', () => {
  it('appliedFields() keeps the manifest paths with the values the server answered', () => {
    const manifest = { spec: { cpu: '1000m', ports: [{ port: 80 }], gone: 1 } }
    const answer = { spec: { cpu: '1', ports: [{ port: 80, protocol: 'TCP' }], extra: true } }
    const applied = appliedFields(manifest, answer)
    expect(applied).toEqual({ spec: { cpu: '1', ports: [{ port: 80 }] } })
    expect(missingField(applied, { ...answer, metadata: {} })).toBeNull()
    expect(missingField(applied, { spec: { cpu: '2', ports: [{ port: 80 }] } })).toBe('spec.cpu')
    expect(missingField(applied, { spec: { cpu: '1', ports: [] } })).toBe('spec.ports')
  })
})

describe('delete_unexpected', () => {
  const { delete_unexpected: action } = actions

  it('run() deletes the object (and what it owns); verify() passes once a get finds nothing', async () => {
    fc.api.seed(deployment('drift', 'stray', 1))
    expect(fc.api.list('apps/v1', 'ReplicaSet', 'drift')).toHaveLength(1)
    const ctx = actionContext(k8s)
    const params = action.params.parse({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'drift',
      name: 'stray',
    })
    const out = await action.run(ctx, params)
    expect(out.message).toBe('deleted Deployment drift/stray')
    expect(fc.api.read('apps/v1', 'Deployment', 'drift', 'stray')).toBeUndefined()
    expect(fc.api.list('apps/v1', 'ReplicaSet', 'drift')).toHaveLength(0)
    expect(await action.verify!(ctx, params, out, 1_000)).toBe('Deployment drift/stray is gone')
  })

  it('verify() throws a VerificationError when the object comes back', async () => {
    fc.api.seed(configMap('drift-back', 'stray', {}))
    const ctx = actionContext(k8s)
    const params = action.params.parse({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'drift-back',
      name: 'stray',
    })
    const out = await action.run(ctx, params)
    const [again] = fc.api.seed(configMap('drift-back', 'stray', {}))
    const err = await rejection(action.verify!(ctx, params, out, 2_000))
    expect(err).toBeInstanceOf(VerificationError)
    expect(err.message).toContain(`the object was recreated (uid ${again!.metadata.uid})`)
  })

  it.each([
    [
      { kind: 'Namespace', name: 'prod' },
      'refusing to delete a Namespace: deleting a Namespace deletes everything in it',
    ],
    [
      { kind: 'Node', name: 'n1' },
      'refusing to delete a Node: deleting a Node takes it out of the cluster (drain it instead)',
    ],
    [
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: 'widgets.example.com',
      },
      'refusing to delete a CustomResourceDefinition: deleting a CustomResourceDefinition deletes every object of its kind',
    ],
    [
      { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' },
      "refusing to delete in kube-system: it holds the cluster's own components",
    ],
  ])('the schema and run() refuse %o', async (p, message) => {
    const params = { apiVersion: 'v1', ...p }
    const parsed = action.params.safeParse(params)
    expect(parsed.success).toBe(false)
    expect(parsed.error!.issues[0]!.message).toBe(message)
    const err = await rejection(action.run(actionContext(k8s), params as never))
    expect(err).toBeInstanceOf(ActionRefusedError)
    expect(err.message).toBe(message)
  })

  it('run() refuses a namespaced kind without a namespace', async () => {
    const err = await rejection(
      action.run(
        actionContext(k8s),
        action.params.parse({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' }),
      ),
    )
    expect(err.message).toBe('ConfigMap is namespaced: give the namespace of x')
  })

  it('run() on a dry run keeps the object', async () => {
    fc.api.seed(configMap('drift-dry', 'stray', {}))
    const ctx = actionContext(k8s, { dryRun: true })
    const params = action.params.parse({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'drift-dry',
      name: 'stray',
    })
    const out = await expectDryRunOnly(fc, () => action.run(ctx, params))
    expect(out.message).toBe('would delete ConfigMap drift-dry/stray')
    expect(fc.api.read('v1', 'ConfigMap', 'drift-dry', 'stray')).toBeDefined()
  })
})
