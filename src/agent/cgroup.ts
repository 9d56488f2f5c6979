/**
 * Containers from the cgroup v2 tree of a Kubernetes node: finds each container's cgroup under
 * kubepods (the systemd driver's `kubepods.slice/.../kubepods-<qos>-pod<uid>.slice/
 * cri-containerd-<id>.scope` and the cgroupfs driver's `kubepods/<qos>/pod<uid>/<id>`) and reads
 * its CPU and memory. Restarts are not counted here: a new container id in a pod may be a restart,
 * an init container or the sandbox, and the cgroup tree cannot tell them apart; the Kubernetes
 * API's restartCount is the honest source.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { point, type Point } from './types.ts'

/** ContainerCgroup is one container's cgroup directory with the ids taken from its path. */
export interface ContainerCgroup {
  dir: string
  podUid: string
  containerId: string
}

const podDir = /^(?:kubepods(?:-\w+)?-)?pod([0-9a-fA-F_-]{8,})(?:\.slice)?$/
const containerDir = /^(?:(?:cri-containerd|crio|docker|containerd)-)?([0-9a-f]{12,})(?:\.scope)?$/

/** findContainers walks `<cgroupRoot>/kubepods[.slice]` and returns every container cgroup. */
export function findContainers(cgroupRoot: string): ContainerCgroup[] {
  const out: ContainerCgroup[] = []
  const walk = (dir: string, podUid: string | undefined, depth: number) => {
    if (depth > 6) return
    let entries
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue
      const pod = podDir.exec(e.name)
      if (pod) {
        walk(join(dir, e.name), pod[1]!.replace(/_/g, '-'), depth + 1)
        continue
      }
      const container = podUid ? containerDir.exec(e.name) : null
      if (container && podUid)
        out.push({ dir: join(dir, e.name), podUid, containerId: container[1]! })
      else if (!podUid) walk(join(dir, e.name), undefined, depth + 1)
    }
  }
  for (const top of ['kubepods.slice', 'kubepods']) walk(join(cgroupRoot, top), undefined, 0)
  return out
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** statField returns `key`'s value in a flat-keyed cgroup file (cpu.stat, memory.stat). */
export function statField(text: string | undefined, key: string): number | undefined {
  const m = text === undefined ? null : new RegExp(`^${key} (\\d+)$`, 'm').exec(text)
  return m ? Number(m[1]) : undefined
}

/**
 * containerPoints reads one container's cpu.stat, memory.current and memory.stat:
 * container_cpu_usage_seconds_total, container_memory_usage_bytes and
 * container_memory_working_set_bytes (usage minus inactive_file, as the kubelet computes it).
 */
export function containerPoints(c: ContainerCgroup): Point[] {
  const labels = { pod_uid: c.podUid, container_id: c.containerId }
  const out: Point[] = []
  const usec = statField(read(join(c.dir, 'cpu.stat')), 'usage_usec')
  if (usec !== undefined) out.push(point('container_cpu_usage_seconds_total', usec / 1e6, labels))
  const current = read(join(c.dir, 'memory.current'))
  if (current !== undefined && /^\d+\s*$/.test(current)) {
    const usage = Number(current)
    out.push(point('container_memory_usage_bytes', usage, labels))
    const inactive = statField(read(join(c.dir, 'memory.stat')), 'inactive_file')
    if (inactive !== undefined)
      out.push(point('container_memory_working_set_bytes', Math.max(0, usage - inactive), labels))
  }
  return out
}
