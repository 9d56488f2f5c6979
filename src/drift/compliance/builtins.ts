/**
 * The built-in compliance checks, one per id, over the pod spec of a Pod or of a workload's
 * template. Each returns the paths that violate it with a message; the registry is typed so that an
 * id without a check fails to compile.
 */
import { imagePullPolicyFor } from '../defaults.ts'
import { record } from '../identity.ts'
import { toPointer } from '../pointer.ts'
import type { KubeObject, Severity } from '../types.ts'
import type { BuiltinId } from './schema.ts'

/** PodTarget is the pod spec of an object, where it sits, and the object's kind. */
export interface PodTarget {
  object: KubeObject
  spec: Record<string, unknown>
  path: readonly string[]
}

/** Hit is one place that violates a check. */
export interface Hit {
  path: string
  message: string
}

/** Builtin is one built-in check: its default severity, what it requires, and the check. */
export interface Builtin {
  severity: Severity
  description: string
  check: (target: PodTarget) => Hit[]
}

interface ContainerAt {
  container: Record<string, unknown>
  path: string[]
  name: string
}

function containersOf(t: PodTarget, lists: readonly string[]): ContainerAt[] {
  return lists.flatMap((list) => {
    const items = t.spec[list]
    if (!Array.isArray(items)) return []
    return items.flatMap((c, i) => {
      const container = record(c)
      if (!container) return []
      return [{ container, path: [...t.path, list, String(i)], name: String(container.name ?? i) }]
    })
  })
}

const allContainers = ['initContainers', 'containers', 'ephemeralContainers']
const running = ['initContainers', 'containers']
const at = (c: ContainerAt, ...rest: string[]) => toPointer([...c.path, ...rest])
const security = (c: ContainerAt) => record(c.container.securityContext) ?? {}

// A Job's pods run to completion: probes that restart or unready them make little sense.
function runsToCompletion(t: PodTarget): boolean {
  if (t.object.kind === 'Job' || t.object.kind === 'CronJob') return true
  const owners = record(t.object.metadata)?.ownerReferences
  return Array.isArray(owners) && owners.some((o) => record(o)?.kind === 'Job')
}

/** builtins are the built-in checks by id. */
export const builtins = {
  'image-latest': {
    severity: 'medium',
    description: 'images are pinned to a tag other than latest, or a digest',
    check: (t) =>
      containersOf(t, allContainers).flatMap((c) => {
        const image = c.container.image
        if (typeof image !== 'string' || imagePullPolicyFor(image) === 'IfNotPresent') return []
        const why = image.endsWith(':latest') ? 'uses the :latest tag' : 'has no tag'
        return [{ path: at(c, 'image'), message: `container ${c.name}: image ${image} ${why}` }]
      }),
  },
  privileged: {
    severity: 'high',
    description: 'no container runs privileged',
    check: (t) =>
      containersOf(t, allContainers).flatMap((c) =>
        security(c).privileged === true
          ? [
              {
                path: at(c, 'securityContext', 'privileged'),
                message: `container ${c.name} runs privileged`,
              },
            ]
          : [],
      ),
  },
  'privilege-escalation': {
    severity: 'medium',
    description: 'every container sets allowPrivilegeEscalation: false',
    check: (t) =>
      containersOf(t, allContainers).flatMap((c) =>
        security(c).allowPrivilegeEscalation === false
          ? []
          : [
              {
                path: at(c, 'securityContext', 'allowPrivilegeEscalation'),
                message: `container ${c.name} does not set allowPrivilegeEscalation: false`,
              },
            ],
      ),
  },
  'resource-limits': {
    severity: 'medium',
    description: 'every container has cpu and memory limits',
    check: (t) =>
      containersOf(t, running).flatMap((c) => {
        const limits = record(record(c.container.resources)?.limits) ?? {}
        const missing = ['cpu', 'memory'].filter(
          (r) => limits[r] === undefined || limits[r] === null,
        )
        if (missing.length === 0) return []
        const what = missing.join(' and ')
        return [
          {
            path: at(c, 'resources', 'limits'),
            message: `container ${c.name} has no ${what} limit`,
          },
        ]
      }),
  },
  probes: {
    severity: 'low',
    description: 'every long-running container has liveness and readiness probes',
    check: (t) =>
      runsToCompletion(t)
        ? []
        : containersOf(t, ['containers']).flatMap((c) =>
            ['livenessProbe', 'readinessProbe']
              .filter((p) => !record(c.container[p]))
              .map((p) => ({ path: at(c, p), message: `container ${c.name} has no ${p}` })),
          ),
  },
  'host-path': {
    severity: 'high',
    description: 'no volume mounts a path of the node',
    check: (t) => {
      const volumes = Array.isArray(t.spec.volumes) ? t.spec.volumes : []
      return volumes.flatMap((v, i) => {
        const hostPath = record(record(v)?.hostPath)
        if (!hostPath) return []
        const name = String(record(v)?.name ?? i)
        return [
          {
            path: toPointer([...t.path, 'volumes', String(i), 'hostPath']),
            message: `volume ${name} mounts ${String(hostPath.path ?? 'a path')} of the node`,
          },
        ]
      })
    },
  },
  'run-as-root': {
    severity: 'medium',
    description: 'containers run with runAsNonRoot: true and not as user 0',
    check: (t) => {
      const pod = record(t.spec.securityContext) ?? {}
      return containersOf(t, allContainers).flatMap((c) => {
        const own = security(c)
        const user = own.runAsUser ?? pod.runAsUser
        if (user === 0) {
          const where =
            own.runAsUser !== undefined
              ? at(c, 'securityContext', 'runAsUser')
              : toPointer([...t.path, 'securityContext', 'runAsUser'])
          return [{ path: where, message: `container ${c.name} runs as user 0 (root)` }]
        }
        if ((own.runAsNonRoot ?? pod.runAsNonRoot) === true) return []
        return [
          {
            path: at(c, 'securityContext', 'runAsNonRoot'),
            message: `container ${c.name} may run as root: runAsNonRoot is not true for it or its pod`,
          },
        ]
      })
    },
  },
} satisfies Record<BuiltinId, Builtin>
