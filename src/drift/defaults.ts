/**
 * The defaults the API server fills in, applied to a copy of a live object where a field is absent
 * (a real API server has already filled them; a fake or a partial export may not). Combined with
 * comparing only declared fields, a manifest that states a default explicitly and one that omits it
 * both agree with a live object that has it, or lacks it.
 */
import { record } from './identity.ts'
import { containerLists, podSpecOf } from './pod-spec.ts'
import type { KubeObject } from './types.ts'

type Obj = Record<string, unknown>

function fill(target: Obj | undefined, defaults: Obj): void {
  if (!target) return
  for (const [k, v] of Object.entries(defaults)) if (target[k] === undefined) target[k] = v
}

/** imagePullPolicyFor is the policy the API server defaults for an image: Always for :latest or untagged. */
export function imagePullPolicyFor(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent'
  const tag = /:([^/:]+)$/.exec(image)?.[1]
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent'
}

function fillPorts(ports: unknown): void {
  if (!Array.isArray(ports)) return
  for (const p of ports) fill(record(p), { protocol: 'TCP' })
}

function fillPodSpec(spec: Obj, kind: string): void {
  const jobLike = kind === 'Job' || kind === 'CronJob'
  fill(spec, {
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    terminationGracePeriodSeconds: 30,
    securityContext: {},
    ...(jobLike ? {} : { restartPolicy: 'Always' }),
  })
  for (const list of containerLists) {
    const containers = spec[list]
    if (!Array.isArray(containers)) continue
    for (const c of containers) {
      const container = record(c)
      if (!container) continue
      fill(container, {
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      })
      if (typeof container.image === 'string') {
        fill(container, { imagePullPolicy: imagePullPolicyFor(container.image) })
      }
      fillPorts(container.ports)
    }
  }
}

const workloadDefaults: Record<string, Obj> = {
  Deployment: {
    replicas: 1,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
  },
  StatefulSet: {
    replicas: 1,
    revisionHistoryLimit: 10,
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
  },
  DaemonSet: {
    revisionHistoryLimit: 10,
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
  },
  ReplicaSet: { replicas: 1 },
}

function fillService(spec: Obj): void {
  fill(spec, { type: 'ClusterIP', sessionAffinity: 'None' })
  if (!Array.isArray(spec.ports)) return
  for (const p of spec.ports) {
    const port = record(p)
    fill(port, { protocol: 'TCP' })
    if (port && port.targetPort === undefined && port.port !== undefined)
      port.targetPort = port.port
  }
}

/** cloneJson copies plain JSON (what the API server sends): much cheaper than structuredClone. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T
  if (value === null || typeof value !== 'object') return value
  const out: Obj = {}
  for (const k in value) out[k] = cloneJson((value as Obj)[k])
  return out as T
}

// A watch cache hands the same object to every scan until it changes: fill it once.
const filled = new WeakMap<KubeObject, KubeObject>()

/**
 * withDefaults returns a copy of a live object with the API server's defaults filled where
 * absent. The copy is remembered per object, so callers must not change it.
 */
export function withDefaults(live: KubeObject): KubeObject {
  const known = filled.get(live)
  if (known) return known
  const copy = cloneJson(live)
  const kind = String(copy.kind)
  const spec = record(copy.spec)
  if (spec && kind === 'Service') fillService(spec)
  const workload = workloadDefaults[kind]
  if (spec && workload) fill(spec, cloneJson(workload))
  const pod = podSpecOf(copy)
  if (pod) fillPodSpec(pod.spec, kind)
  filled.set(live, copy)
  return copy
}
