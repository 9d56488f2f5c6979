/**
 * The host agent's snapshot format (`POST /agent/metrics`): one JSON object per host and scrape,
 * checked by `agentSnapshotSchema` and mapped to Prometheus-style `node_*` samples by
 * `snapshotToSamples`. The samples then go through `validateSample` like any other ingest; a
 * snapshot without `timestamp` gives samples without `ts`, so they are stamped with the time of
 * arrival.
 *
 * | Snapshot field           | Metric                              | Labels                 |
 * | ------------------------ | ----------------------------------- | ---------------------- |
 * | `cpu.cores`              | `node_cpu_cores`                    | `host`                 |
 * | `cpu.usage_percent`      | `node_cpu_usage_percent`            | `host`                 |
 * | `memory.total`           | `node_memory_total_bytes`           | `host`                 |
 * | `memory.used`            | `node_memory_used_bytes`            | `host`                 |
 * | `memory.available`       | `node_memory_available_bytes`       | `host`                 |
 * | `memory.percent`         | `node_memory_usage_percent`         | `host`                 |
 * | `disks[].total`          | `node_filesystem_size_bytes`        | `host`, `mountpoint`   |
 * | `disks[].used`           | `node_filesystem_used_bytes`        | `host`, `mountpoint`   |
 * | `disks[].percent`        | `node_filesystem_usage_percent`     | `host`, `mountpoint`   |
 * | `network[].rx_bytes`     | `node_network_receive_bytes_total`  | `host`, `interface`    |
 * | `network[].tx_bytes`     | `node_network_transmit_bytes_total` | `host`, `interface`    |
 *
 * `host` is `hostname`; every sample's time is `timestamp` (RFC 3339 or epoch ms) when given.
 */
import { z } from 'zod'
import { parseRfc3339, type RawSample } from './validate.ts'

const amount = z.number().min(0, { error: 'must be ≥ 0' })
const percent = z.number().min(0, { error: 'must be 0–100' }).max(100, { error: 'must be 0–100' })
const text = z.string().min(1, { error: 'is required' }).max(1024)

/** agentSnapshotSchema checks a snapshot: bounded sizes, finite non-negative numbers, 0–100 percents. */
export const agentSnapshotSchema = z.object({
  hostname: z.string().min(1, { error: 'is required' }).max(253),
  timestamp: z
    .union([
      z.string().refine((s) => s.length <= 64 && parseRfc3339(s) !== undefined, {
        error: 'must be an RFC 3339 time',
      }),
      z.number().int({ error: 'must be integer epoch milliseconds' }),
    ])
    .optional(),
  cpu: z.object({ cores: amount, usage_percent: percent }),
  memory: z.object({ total: amount, used: amount, available: amount, percent }),
  disks: z
    .array(z.object({ mountpoint: text, total: amount, used: amount, percent }))
    .max(256)
    .refine((disks) => new Set(disks.map((d) => d.mountpoint)).size === disks.length, {
      error: 'mountpoints must be unique',
    }),
  network: z
    .array(z.object({ interface: text, rx_bytes: amount, tx_bytes: amount }))
    .max(256)
    .refine((nics) => new Set(nics.map((n) => n.interface)).size === nics.length, {
      error: 'interfaces must be unique',
    }),
})

/** AgentSnapshot is a snapshot that passed `agentSnapshotSchema`. */
export type AgentSnapshot = z.infer<typeof agentSnapshotSchema>

/** snapshotToSamples maps a snapshot to raw `node_*` samples, as in the table above. */
export function snapshotToSamples(snapshot: AgentSnapshot): RawSample[] {
  const host = snapshot.hostname
  const ts = snapshot.timestamp
  const out: RawSample[] = []
  const add = (name: string, value: number, labels: Record<string, string> = { host }) => {
    out.push(ts === undefined ? { name, labels, value } : { name, labels, value, ts })
  }
  add('node_cpu_cores', snapshot.cpu.cores)
  add('node_cpu_usage_percent', snapshot.cpu.usage_percent)
  add('node_memory_total_bytes', snapshot.memory.total)
  add('node_memory_used_bytes', snapshot.memory.used)
  add('node_memory_available_bytes', snapshot.memory.available)
  add('node_memory_usage_percent', snapshot.memory.percent)
  for (const d of snapshot.disks) {
    const labels = { host, mountpoint: d.mountpoint }
    add('node_filesystem_size_bytes', d.total, labels)
    add('node_filesystem_used_bytes', d.used, labels)
    add('node_filesystem_usage_percent', d.percent, labels)
  }
  for (const n of snapshot.network) {
    const labels = { host, interface: n.interface }
    add('node_network_receive_bytes_total', n.rx_bytes, labels)
    add('node_network_transmit_bytes_total', n.tx_bytes, labels)
  }
  return out
}
