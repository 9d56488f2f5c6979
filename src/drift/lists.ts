/**
 * Lists the API server merges by key rather than by position: containers, env, ports, volumes,
 * volume mounts... Each list field names the keys its items are matched on, tried in order, so that
 * a manifest that lists them in another order, or omits a defaulted `protocol`, does not drift.
 */
import { record } from './identity.ts'

/** ListKey reads one matching key of a list item; undefined when the item lacks it. */
export type ListKey = (item: Record<string, unknown>) => string | undefined

const field =
  (...names: string[]): ListKey =>
  (item) => {
    const values = names.map((n) => item[n])
    return values.every((v) => v !== undefined && v !== null) ? JSON.stringify(values) : undefined
  }

const byName = field('name')

// A port is named in a container or a service, or else known by its number and protocol.
const portNumber: ListKey = (item) => {
  const number = item.containerPort ?? item.port
  return number === undefined ? undefined : JSON.stringify([String(number), item.protocol ?? 'TCP'])
}

/** listKeys maps a list field name to the keys its items are matched on. */
export const listKeys: Readonly<Record<string, readonly ListKey[]>> = {
  containers: [byName],
  initContainers: [byName],
  ephemeralContainers: [byName],
  env: [byName],
  volumes: [byName],
  imagePullSecrets: [byName],
  ports: [byName, portNumber],
  // The same volume may be mounted twice, so mounts are known by where they are mounted.
  volumeMounts: [field('mountPath')],
  volumeDevices: [field('devicePath')],
  hostAliases: [field('ip')],
  topologySpreadConstraints: [field('topologyKey', 'whenUnsatisfiable')],
}

/** matchKeyed pairs each desired item with the index of its live item, or -1 when none matches. */
export function matchKeyed(
  keys: readonly ListKey[],
  desired: readonly unknown[],
  live: readonly unknown[],
): number[] {
  const claimed = new Set<number>()
  return desired.map((d) => {
    const item = record(d)
    if (!item) return -1
    for (const key of keys) {
      const want = key(item)
      if (want === undefined) continue
      const found = live.findIndex((l, i) => {
        const other = record(l)
        return !claimed.has(i) && other !== undefined && key(other) === want
      })
      if (found >= 0) {
        claimed.add(found)
        return found
      }
    }
    return -1
  })
}
