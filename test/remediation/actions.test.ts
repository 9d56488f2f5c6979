import { describe, expect, it } from 'bun:test'
import { z } from 'zod'
import {
  KubeApiError,
  type Cluster,
  type KubeObject,
  type KubeReason,
} from '../../src/k8s/index.ts'
import { actionNames } from '../../src/policy/kinds/remediation-policy.ts'
import {
  actionFor,
  actions,
  ActionRefusedError,
  isTransient,
  VerificationError,
  waitFor,
} from '../../src/remediation/actions/index.ts'
import { rolloutState } from '../../src/remediation/actions/cluster-objects.ts'
import { maxUnavailableOf, podsOf } from '../../src/remediation/actions/rollout-restart.ts'
import { actionContext, rejection } from '../helpers/actions.ts'

const kube = (reason: KubeReason) => new KubeApiError(`x: ${reason}`, { statusCode: 0, reason })

describe('actions registry', () => {
  it('actions has one entry per action name, each named by its key', () => {
    expect(Object.keys(actions).sort()).toEqual([...actionNames].sort())
    for (const [key, action] of Object.entries(actions)) {
      expect(action.name).toBe(key as never)
      expect(action.summary.length).toBeGreaterThan(0)
      expect(action.timeoutMs).toBeGreaterThan(0)
    }
  })

  it('actionFor() returns the definition, and throws naming the known actions for an unknown one', () => {
    expect(actionFor('drain_node')).toBe(actions.drain_node as never)
    expect(() => actionFor('reboot_cluster')).toThrow(
      /unknown action reboot_cluster: one of restart_pod, /,
    )
    expect(() => actionFor('toString')).toThrow(/unknown action toString/)
  })
})

describe('isTransient', () => {
  it.each([
    ['TooManyRequests', true],
    ['ServiceUnavailable', true],
    ['Timeout', true],
    ['InternalError', true],
    ['Unreachable', true],
    ['Conflict', true],
    ['NotFound', false],
    ['Forbidden', false],
    ['Invalid', false],
    ['BadRequest', false],
  ] as const)('isTransient() of a KubeApiError %s is %p', (reason, transient) => {
    expect(isTransient(kube(reason))).toBe(transient)
  })

  it('isTransient() is true for unknown errors such as fetch failures, false for refusals and verification', () => {
    expect(isTransient(new TypeError('fetch failed'))).toBe(true)
    expect(isTransient(new Error('socket hang up'))).toBe(true)
    expect(isTransient(new VerificationError('not ready'))).toBe(false)
    expect(isTransient(new ActionRefusedError('above the maximum'))).toBe(false)
    expect(isTransient(z.string().safeParse(1).error)).toBe(false)
  })
})

describe('waitFor', () => {
  it('waitFor() returns once the check holds, sleeping between checks', async () => {
    const ctx = actionContext({} as Cluster)
    let n = 0
    await waitFor(ctx, async () => (++n >= 3 ? true : `try ${n}`), 10_000, 'three tries', 500)
    expect(ctx.slept).toEqual([500, 500])
  })

  it('waitFor() throws a VerificationError saying what was not reached and what was seen last', async () => {
    const ctx = actionContext({} as Cluster)
    const err = await rejection(
      waitFor(ctx, async () => 'still 0/3 ready', 2_500, 'the rollout', 1_000),
    )
    expect(err).toBeInstanceOf(VerificationError)
    expect(err.name).toBe('VerificationError')
    expect(err.message).toBe(
      'the rollout was not reached within 2500ms; last seen: still 0/3 ready',
    )
    expect(ctx.slept).toEqual([1_000, 1_000, 500])
  })

  it('waitFor() rides out transient API errors but rethrows others', async () => {
    const ctx = actionContext({} as Cluster)
    let n = 0
    await waitFor(
      ctx,
      async () => {
        if (++n === 1) throw kube('ServiceUnavailable')
        return true
      },
      5_000,
      'x',
    )
    expect(n).toBe(2)
    const err = await rejection(
      waitFor(ctx, async () => Promise.reject(kube('Forbidden')), 5_000, 'x'),
    )
    expect((err as KubeApiError).reason).toBe('Forbidden')
  })
})

describe('action parameters', () => {
  it.each([
    ['restart_pod', { namespace: 'Prod', pod: 'api-1' }, 'namespace', 'must be an RFC 1123 label'],
    ['restart_pod', { namespace: 'prod', pod: 'api_1' }, 'pod', 'must be an RFC 1123 subdomain'],
    ['restart_pod', { namespace: 'prod', pod: 'a', extra: 1 }, '', 'Unrecognized key: "extra"'],
    [
      'restart_pod',
      { namespace: 'x'.repeat(64), pod: 'a' },
      'namespace',
      'must be at most 63 characters',
    ],
    [
      'rollout_restart',
      { namespace: 'prod', kind: 'CronJob', name: 'a' },
      'kind',
      'must be Deployment, StatefulSet or DaemonSet',
    ],
    [
      'scale_deployment',
      { namespace: 'prod', deployment: 'web', replicas: -1 },
      'replicas',
      'must be 0 or more',
    ],
    [
      'scale_deployment',
      { namespace: 'prod', deployment: 'web', replicas: 1.5 },
      'replicas',
      'must be a whole number',
    ],
    [
      'scale_deployment',
      { namespace: 'prod', deployment: 'web', replicas: 'three' },
      'replicas',
      'must be a number',
    ],
    [
      'rollback_deployment',
      { namespace: 'prod', deployment: 'web', revision: 0 },
      'revision',
      'must be 1 or more',
    ],
    [
      'apply_manifest',
      { manifest: { apiVersion: 'v1', metadata: { name: 'a' } } },
      'manifest.kind',
      'must be a string',
    ],
    [
      'apply_manifest',
      { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'A' } } },
      'manifest.metadata.name',
      'must be an RFC 1123 subdomain',
    ],
    [
      'apply_manifest',
      { manifest: { apiVersion: 'apps/v1/x', kind: 'Deployment', metadata: { name: 'a' } } },
      'manifest.apiVersion',
      'must be an API version',
    ],
    [
      'delete_unexpected',
      { apiVersion: 'v1', kind: 'configmap', name: 'a' },
      'kind',
      'must be a kind such as Deployment',
    ],
    ['cordon_node', { node: '' }, 'node', 'must not be empty'],
    ['uncordon_node', { node: 'n1', force: true }, '', 'Unrecognized key: "force"'],
    [
      'drain_node',
      { node: 'n1', timeoutSeconds: 0 },
      'timeoutSeconds',
      'must be at least 1 second',
    ],
    [
      'drain_node',
      { node: 'n1', ignoreDaemonSets: 'yes' },
      'ignoreDaemonSets',
      'must be true or false',
    ],
    ['run_command', { command: 'a b' }, 'command', 'must be a command name from the config'],
    ['run_command', { command: 'a', args: { who: 1 } }, 'args.who', 'must be a string'],
    [
      'run_command',
      { command: 'a', args: { who: 'x\0y' } },
      'args.who',
      'must not contain a NUL character',
    ],
  ] as const)('%s rejects %o at %s', (name, params, path, message) => {
    const parsed = actions[name].params.safeParse(params)
    expect(parsed.success).toBe(false)
    const issue = parsed.error!.issues[0]!
    expect(issue.path.join('.')).toBe(path)
    expect(issue.message).toContain(message)
  })

  it('defaults: rollout_restart kind Deployment, drain_node ignoreDaemonSets, apply_manifest force false', () => {
    expect(actions.rollout_restart.params.parse({ namespace: 'a', name: 'b' }).kind).toBe(
      'Deployment',
    )
    expect(actions.drain_node.params.parse({ node: 'n1' }).ignoreDaemonSets).toBe(true)
    const manifest = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a' },
      data: { k: 'v' },
    }
    expect(actions.apply_manifest.params.parse({ manifest })).toEqual({ manifest, force: false })
  })
})

describe('rolloutState', () => {
  const workload = (kind: string, spec: object, status: object, generation = 2) =>
    ({
      apiVersion: 'apps/v1',
      kind,
      metadata: { name: 'w', generation },
      spec,
      status,
    }) as KubeObject

  it.each([
    [
      'Deployment',
      { replicas: 3 },
      {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      },
      true,
    ],
    [
      'Deployment',
      { replicas: 3 },
      {
        observedGeneration: 1,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      },
      'generation 2 not observed yet (observed 1)',
    ],
    [
      'Deployment',
      { replicas: 3 },
      {
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      },
      '1 old replica(s) pending termination',
    ],
    [
      'Deployment',
      { replicas: 3 },
      {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 2,
        availableReplicas: 2,
      },
      '3/3 replicas updated, 2/3 ready, 2/3 available',
    ],
    ['Deployment', { replicas: 0 }, { observedGeneration: 2 }, true],
    [
      'StatefulSet',
      { replicas: 2 },
      { observedGeneration: 2, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 },
      '1/2 replicas updated, 2/2 ready, 2/2 available',
    ],
    [
      'DaemonSet',
      {},
      {
        observedGeneration: 2,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
      },
      true,
    ],
    [
      'DaemonSet',
      {},
      {
        observedGeneration: 2,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 2,
        numberAvailable: 3,
      },
      '2/3 pods updated, 3/3 available',
    ],
  ] as const)('rolloutState() of a %s %o with status %o is %p', (kind, spec, status, expected) => {
    expect(rolloutState(workload(kind, spec, status))).toBe(expected)
  })

  it.each([
    ['Deployment', { replicas: 10 }, 2],
    ['Deployment', { replicas: 3 }, 1],
    ['Deployment', { replicas: 10, strategy: { rollingUpdate: { maxUnavailable: 4 } } }, 4],
    ['Deployment', { replicas: 5, strategy: { type: 'Recreate' } }, 5],
    ['StatefulSet', { replicas: 5 }, 1],
    [
      'StatefulSet',
      { replicas: 5, updateStrategy: { rollingUpdate: { maxUnavailable: '40%' } } },
      2,
    ],
  ] as const)('maxUnavailableOf() a %s %o is %d pods', (kind, spec, expected) => {
    const w = workload(kind, spec, {})
    expect(maxUnavailableOf(w, podsOf(w))).toBe(expected)
  })
})
