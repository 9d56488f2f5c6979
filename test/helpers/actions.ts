/**
 * Helpers for testing remediation actions against the fake API server: an ActionContext with a
 * clock that its fast `sleep` advances, builders for the objects the actions touch, and an
 * assertion that a dry run changed nothing and sent every write as `dryRun=All`.
 */
import { expect } from 'bun:test'
import type { Cluster, KubeObject } from '../../src/k8s/index.ts'
import type { ActionContext } from '../../src/remediation/types.ts'
import type { FakeCluster } from './k8s.ts'

/** TestContext is an ActionContext whose sleeps are recorded and only advance its clock. */
export type TestContext = ActionContext & { slept: number[] }

/** actionContext makes a context on a cluster; `sleep` advances `now` instantly. */
export function actionContext(
  cluster: Cluster,
  overrides: Partial<ActionContext> = {},
): TestContext {
  let clock = Date.parse('2026-12-01T12:00:00Z')
  const slept: number[] = []
  return {
    cluster,
    dryRun: false,
    signal: new AbortController().signal,
    now: () => clock,
    fieldManager: 'vigil',
    limits: {},
    commands: {},
    async sleep(ms) {
      slept.push(ms)
      clock += ms
      await Bun.sleep(1)
    },
    slept,
    ...overrides,
  }
}

/** expectDryRunOnly runs `fn` and checks the store did not change and every write was a dry run. */
export async function expectDryRunOnly<T>(fc: FakeCluster, fn: () => Promise<T>): Promise<T> {
  const rv = fc.api.store.rv
  const from = fc.api.requests.length
  const result = await fn()
  expect(fc.api.store.rv).toBe(rv)
  const writes = fc.api.requests.slice(from).filter((r) => r.method !== 'GET')
  expect(writes.length).toBeGreaterThan(0)
  for (const w of writes)
    expect({ path: w.path, dryRun: w.query.dryRun }).toEqual({ path: w.path, dryRun: 'All' })
  return result
}

/** deployment builds a Deployment with `app: <name>` pods. */
export function deployment(
  namespace: string,
  name: string,
  replicas = 2,
  image = 'nginx:1.27',
): KubeObject {
  const labels = { app: name }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
    },
  }
}

/** readyPod builds a Running, Ready pod, optionally on a node and owned by a controller. */
export function readyPod(
  namespace: string,
  name: string,
  options: {
    labels?: Record<string, string>
    node?: string
    owner?: KubeObject
    ready?: boolean
  } = {},
): KubeObject {
  const { owner } = options
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: options.labels ?? {},
      ...(owner ? { ownerReferences: [controllerRef(owner)] } : {}),
    },
    spec: {
      ...(options.node ? { nodeName: options.node } : {}),
      containers: [{ name: 'c', image: 'busybox:1.36' }],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }],
    },
  }
}

function controllerRef(owner: KubeObject) {
  const ref = {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: String(owner.metadata.uid),
    controller: true,
  }
  return ref
}

/** node builds a Node, cordoned or not. */
export function node(name: string, unschedulable = false): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: unschedulable ? { unschedulable: true } : {},
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  }
}

/** seedDeploymentPods seeds a Deployment and its ReplicaSet's Ready pods (`<name>-<i>`). */
export function seedDeploymentPods(
  fc: FakeCluster,
  namespace: string,
  name: string,
  replicas: number,
  nodeName?: string,
): { replicaSet: KubeObject; pods: KubeObject[] } {
  fc.api.seed(deployment(namespace, name, replicas))
  const replicaSet = fc.api
    .list('apps/v1', 'ReplicaSet', namespace)
    .find((rs) => rs.metadata.name.startsWith(`${name}-`)) as KubeObject
  const labels = (replicaSet.spec as { selector: { matchLabels: Record<string, string> } }).selector
    .matchLabels
  const pods = Array.from({ length: replicas }, (_, i) =>
    readyPod(namespace, `${name}-${i}`, {
      labels,
      owner: replicaSet,
      ...(nodeName ? { node: nodeName } : {}),
    }),
  )
  fc.api.seed(...pods)
  return { replicaSet, pods }
}

/** rejection is the error of a promise that must fail. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(Error)
  return err as Error
}
