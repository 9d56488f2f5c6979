/**
 * Each remediation action run against a cluster that records its calls: every call must be in the
 * action's rows of `actionRbac`, so a new API call without its RBAC fails here (and the RBAC test
 * then holds the shipped roles to the table).
 */
import { describe, expect, test } from 'bun:test'
import type { Cluster, KubeObject, ResourceRef } from '../../src/k8s/types.ts'
import { actions } from '../../src/remediation/actions/index.ts'
import { actionRbac } from '../../src/remediation/actions/rbac.ts'
import type { ActionName } from '../../src/remediation/types.ts'
import { actionContext } from '../helpers/actions.ts'

const resourceOf = (kind: string) => `${kind.toLowerCase()}s`
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '')

// Everything looks done and Ready, owned by a ReplicaSet, so verifications finish.
function object(
  ref: { group: string; resource: string; namespace?: string },
  name: string,
  revision = '2',
): KubeObject {
  return {
    apiVersion: ref.group ? `${ref.group}/v1` : 'v1',
    kind: ref.resource,
    metadata: {
      name,
      namespace: ref.namespace,
      uid: `${ref.resource}-${name}`,
      generation: 1,
      resourceVersion: '1',
      annotations: { 'deployment.kubernetes.io/revision': revision },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs', controller: true },
        // ReplicaSets list as the Deployment's, for rollback_deployment to find one.
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'deployments-web' },
      ] as KubeObject['metadata']['ownerReferences'],
    },
    spec: { replicas: 1 },
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  }
}

/** recordingCluster answers every call with a plausible object and records `group/resource:verb`. */
function recordingCluster(calls: Set<string>): Cluster {
  const at = (ref: ResourceRef, verb: string) => calls.add(`${ref.group}/${ref.resource}:${verb}`)
  const refOf = (o: KubeObject): ResourceRef => ({
    group: groupOf(String(o.apiVersion)),
    version: 'v1',
    resource: resourceOf(String(o.kind)),
    namespace: o.metadata.namespace,
  })
  return {
    server: 'https://fake',
    context: 'fake',
    namespace: 'default',
    close() {},
    discover: async () => [],
    resourceFor: async (apiVersion, kind) => ({
      group: groupOf(apiVersion),
      version: 'v1',
      resource: resourceOf(kind),
      kind,
      namespaced: kind !== 'Namespace' && kind !== 'Node',
      verbs: ['get', 'list', 'watch', 'patch', 'delete'],
    }),
    async list(ref) {
      at(ref, 'list')
      return { items: [object(ref, 'web-1', '1')], resourceVersion: '1' } as never
    },
    async get(ref, name) {
      at(ref, 'get')
      // Deleted pods and objects are gone: their verification sees them replaced.
      return calls.has(`${ref.group}/${ref.resource}:delete`) ? null : object(ref, name)
    },
    watch: () => {
      throw new Error('actions do not watch')
    },
    async create(o) {
      at(refOf(o), 'create')
      return o
    },
    async patch(ref, name) {
      at(ref, 'patch')
      return object(ref, name)
    },
    async apply(o) {
      // Server-side apply: a PATCH, authorized as create when the object is missing.
      at(refOf(o), 'patch')
      at(refOf(o), 'create')
      return { ...o, metadata: { ...o.metadata, resourceVersion: '1' } }
    },
    async delete(ref) {
      at(ref, 'delete')
    },
    async evict(namespace) {
      at({ group: '', version: 'v1', resource: 'pods/eviction', namespace }, 'create')
    },
  }
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas: 1 },
}

const cases: [ActionName, unknown][] = [
  ['restart_pod', { namespace: 'shop', pod: 'web-1' }],
  ['rollout_restart', { namespace: 'shop', name: 'web', kind: 'Deployment' }],
  ['rollout_restart', { namespace: 'shop', name: 'db', kind: 'StatefulSet' }],
  ['rollout_restart', { namespace: 'shop', name: 'logs', kind: 'DaemonSet' }],
  ['scale_deployment', { namespace: 'shop', deployment: 'web', replicas: 1 }],
  ['rollback_deployment', { namespace: 'shop', deployment: 'web', revision: 1 }],
  ['apply_manifest', { manifest: deployment }],
  ['delete_unexpected', { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'old' }],
  ['cordon_node', { node: 'n1' }],
  ['uncordon_node', { node: 'n1' }],
  ['drain_node', { node: 'n1' }],
  ['run_command', { command: 'none' }],
]

describe('actionRbac', () => {
  test('every action has a case here', () => {
    expect([...new Set<string>(cases.map(([name]) => name))].sort()).toEqual(
      Object.keys(actions).sort(),
    )
  })

  test.each(cases)('%s makes only the calls its actionRbac rows grant (%j)', async (name, raw) => {
    const calls = new Set<string>()
    const action = actions[name] as (typeof actions)[ActionName]
    const ctx = actionContext(recordingCluster(calls), {
      limits: { replicas: { min: 0, max: 10 } },
    })
    const params = action.params.parse(raw) as never
    try {
      await action.impact?.(ctx, params)
      const out = await action.run(ctx, params)
      await action.verify?.(ctx, params, out, 1000)
    } catch {
      // A refusal or a failed verification still tells which calls were made up to there.
    }
    const granted = new Set(
      actionRbac[name].flatMap((r) => r.verbs.map((v) => `${r.apiGroup}/${r.resource}:${v}`)),
    )
    expect([...calls].filter((c) => !granted.has(c))).toEqual([])
    if (name !== 'run_command') expect(calls.size).toBeGreaterThan(0)
  })
})
