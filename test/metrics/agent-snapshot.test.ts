/**
 * Tests of the host agent's snapshot: a full snapshot maps to exactly the documented `node_*`
 * samples, those samples pass validation, and the schema refuses out-of-bounds snapshots.
 */
import { describe, expect, it } from 'bun:test'
import {
  agentSnapshotSchema,
  snapshotToSamples,
  type AgentSnapshot,
} from '../../src/metrics/agent-snapshot.ts'
import { defaultIngestLimits, validateSample } from '../../src/metrics/validate.ts'

const now = Date.parse('2026-11-22T10:00:00Z')

const full = {
  hostname: 'web-1',
  timestamp: '2026-11-22T09:59:30Z',
  cpu: { cores: 4, usage_percent: 37.5 },
  memory: { total: 8e9, used: 6e9, available: 2e9, percent: 75 },
  disks: [
    { mountpoint: '/', total: 1e11, used: 4e10, percent: 40 },
    { mountpoint: '/var/lib/data', total: 5e11, used: 5e11, percent: 100 },
  ],
  network: [
    { interface: 'eth0', rx_bytes: 123456, tx_bytes: 654321 },
    { interface: 'lo', rx_bytes: 0, tx_bytes: 0 },
  ],
}

function parse(body: unknown): AgentSnapshot {
  return agentSnapshotSchema.parse(body)
}

describe('agent snapshot', () => {
  it('maps a full snapshot to exactly the documented samples', () => {
    const ts = full.timestamp
    const host = { host: 'web-1' }
    const root = { host: 'web-1', mountpoint: '/' }
    const data = { host: 'web-1', mountpoint: '/var/lib/data' }
    const eth0 = { host: 'web-1', interface: 'eth0' }
    const lo = { host: 'web-1', interface: 'lo' }
    expect(snapshotToSamples(parse(full))).toEqual([
      { name: 'node_cpu_cores', labels: host, value: 4, ts },
      { name: 'node_cpu_usage_percent', labels: host, value: 37.5, ts },
      { name: 'node_memory_total_bytes', labels: host, value: 8e9, ts },
      { name: 'node_memory_used_bytes', labels: host, value: 6e9, ts },
      { name: 'node_memory_available_bytes', labels: host, value: 2e9, ts },
      { name: 'node_memory_usage_percent', labels: host, value: 75, ts },
      { name: 'node_filesystem_size_bytes', labels: root, value: 1e11, ts },
      { name: 'node_filesystem_used_bytes', labels: root, value: 4e10, ts },
      { name: 'node_filesystem_usage_percent', labels: root, value: 40, ts },
      { name: 'node_filesystem_size_bytes', labels: data, value: 5e11, ts },
      { name: 'node_filesystem_used_bytes', labels: data, value: 5e11, ts },
      { name: 'node_filesystem_usage_percent', labels: data, value: 100, ts },
      { name: 'node_network_receive_bytes_total', labels: eth0, value: 123456, ts },
      { name: 'node_network_transmit_bytes_total', labels: eth0, value: 654321, ts },
      { name: 'node_network_receive_bytes_total', labels: lo, value: 0, ts },
      { name: 'node_network_transmit_bytes_total', labels: lo, value: 0, ts },
    ])
  })

  it('gives samples that all pass validation, at the snapshot time, with distinct keys', () => {
    const results = snapshotToSamples(parse(full)).map((s) =>
      validateSample(s, now, defaultIngestLimits),
    )
    const samples = results.map((r) => {
      if (!r.ok) throw new Error(`${r.reason}: ${r.message}`)
      return r.sample
    })
    expect(samples.every((s) => s.t === Date.parse(full.timestamp))).toBe(true)
    expect(new Set(samples.map((s) => s.key)).size).toBe(samples.length)
    const { labels, key, t, v } = samples[6]!
    expect({ labels, key, t, v }).toEqual({
      labels: { __name__: 'node_filesystem_size_bytes', host: 'web-1', mountpoint: '/' },
      key: 'node_filesystem_size_bytes{host="web-1",mountpoint="/"}',
      t: Date.parse(full.timestamp),
      v: 1e11,
    })
  })

  it('leaves ts out when the snapshot has no timestamp, so validation stamps it with now', () => {
    const { timestamp: _, ...untimed } = full
    const samples = snapshotToSamples(parse({ ...untimed, disks: [], network: [] }))
    expect(samples).toHaveLength(6)
    for (const s of samples) expect('ts' in s).toBe(false)
    const result = validateSample(samples[0]!, now, defaultIngestLimits)
    expect(result.ok && result.sample.t).toBe(now)
  })

  it('accepts an epoch-millisecond timestamp and passes it through', () => {
    const samples = snapshotToSamples(parse({ ...full, timestamp: now - 5000 }))
    expect(samples.every((s) => s.ts === now - 5000)).toBe(true)
  })

  it.each([
    ['missing hostname', { ...full, hostname: undefined }, 'hostname'],
    ['empty hostname', { ...full, hostname: '' }, 'hostname'],
    ['hostname over 253 characters', { ...full, hostname: 'h'.repeat(254) }, 'hostname'],
    ['negative bytes', { ...full, memory: { ...full.memory, used: -1 } }, 'memory.used'],
    ['cpu percent 120', { ...full, cpu: { cores: 4, usage_percent: 120 } }, 'cpu.usage_percent'],
    ['memory percent -1', { ...full, memory: { ...full.memory, percent: -1 } }, 'memory.percent'],
    [
      'disk percent 100.5',
      { ...full, disks: [{ ...full.disks[0]!, percent: 100.5 }] },
      'disks.0.percent',
    ],
    [
      'bytes as a string',
      { ...full, network: [{ interface: 'eth0', rx_bytes: '1', tx_bytes: 0 }] },
      'network.0.rx_bytes',
    ],
    ['missing cpu', { ...full, cpu: undefined }, 'cpu'],
    ['missing disks', { ...full, disks: undefined }, 'disks'],
    [
      '257 disks',
      {
        ...full,
        disks: Array.from({ length: 257 }, (_, i) => ({ ...full.disks[0]!, mountpoint: `/m${i}` })),
      },
      'disks',
    ],
    [
      '257 interfaces',
      {
        ...full,
        network: Array.from({ length: 257 }, (_, i) => ({
          interface: `e${i}`,
          rx_bytes: 0,
          tx_bytes: 0,
        })),
      },
      'network',
    ],
    [
      'mountpoint over 1024 characters',
      { ...full, disks: [{ ...full.disks[0]!, mountpoint: '/'.repeat(1025) }] },
      'disks.0.mountpoint',
    ],
    [
      'empty interface name',
      { ...full, network: [{ interface: '', rx_bytes: 0, tx_bytes: 0 }] },
      'network.0.interface',
    ],
    ['a mountpoint twice', { ...full, disks: [full.disks[0]!, full.disks[0]!] }, 'disks'],
    ['an interface twice', { ...full, network: [full.network[0]!, full.network[0]!] }, 'network'],
    ['timestamp not RFC 3339', { ...full, timestamp: 'yesterday' }, 'timestamp'],
    ['fractional ms timestamp', { ...full, timestamp: 1.5 }, 'timestamp'],
    ['infinite cores', { ...full, cpu: { cores: Infinity, usage_percent: 1 } }, 'cpu.cores'],
    ['not an object', 'web-1', ''],
  ])('refuses %s with a zod error at the field', (_, body, path) => {
    const result = agentSnapshotSchema.safeParse(body)
    expect(result.success).toBe(false)
    if (result.success) return
    expect(result.error.issues.map((i) => i.path.join('.'))).toContain(path)
  })

  it('says what is wrong in the zod messages', () => {
    const result = agentSnapshotSchema.safeParse({
      ...full,
      cpu: { cores: 4, usage_percent: 120 },
      memory: { ...full.memory, used: -1 },
      disks: [full.disks[0]!, full.disks[0]!],
    })
    expect(result.success).toBe(false)
    if (result.success) return
    const messages = Object.fromEntries(
      result.error.issues.map((i) => [i.path.join('.'), i.message]),
    )
    expect(messages).toEqual({
      'cpu.usage_percent': 'must be 0–100',
      'memory.used': 'must be ≥ 0',
      disks: 'mountpoints must be unique',
    })
  })

  it('ignores fields it does not know (newer agents may send more)', () => {
    expect(parse({ ...full, load: { '1m': 0.5 } })).not.toHaveProperty('load')
  })
})
