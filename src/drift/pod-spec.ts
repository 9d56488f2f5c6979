/** Where the pod spec sits in each kind that runs pods: a Pod's own spec, or a workload's template. */
import { record } from './identity.ts'
import type { KubeObject } from './types.ts'

/** podSpecPaths maps each kind that runs pods to the path of its pod spec. */
export const podSpecPaths: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
}

/** containerLists are the pod spec fields that hold containers. */
export const containerLists = ['initContainers', 'containers', 'ephemeralContainers'] as const

/** podSpecOf returns the pod spec of an object and its path, or undefined when it runs no pods. */
export function podSpecOf(
  object: KubeObject,
): { spec: Record<string, unknown>; path: readonly string[] } | undefined {
  const path = podSpecPaths[String(object.kind)]
  if (!path) return undefined
  let node: unknown = object
  for (const seg of path) node = record(node)?.[seg]
  const spec = record(node)
  return spec ? { spec, path } : undefined
}
