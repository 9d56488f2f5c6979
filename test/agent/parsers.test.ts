import { describe, expect, it, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseDiskstats, parseMounts, parseNetDev } from '../../src/agent/proc-devices.ts'
import { parseLoadavg, parseMeminfo, parseStat, parseUptime } from '../../src/agent/proc-system.ts'
import type { Point } from '../../src/agent/types.ts'

const fixtures = join(import.meta.dir, '../fixtures/proc')
const read = (kernel: string, file: string) =>
  readFileSync(join(fixtures, kernel, 'proc', file), 'utf8')
const value = (points: Point[], name: string, labels: Record<string, string> = {}) =>
  points.find((p) => p.name === name && Object.entries(labels).every(([k, v]) => p.labels[k] === v))
    ?.value

describe('proc-system', () => {
  test.each([
    ['4.14', 2, 11.32, 1062191376],
    ['4.19', 4, 2599.6, 1700000000],
    ['6.x', 2, 24.15, 1780000000],
  ])(
    'parseStat() on %s gives 8 modes per core in seconds and the boot time',
    (k, cores, user0, btime) => {
      const points = parseStat(read(k, 'stat'))
      const cpu = points.filter((p) => p.name === 'node_cpu_seconds_total')
      expect(cpu).toHaveLength(cores * 8)
      expect(new Set(cpu.map((p) => p.labels.cpu)).size).toBe(cores)
      expect(value(points, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })).toBeCloseTo(user0)
      expect(value(points, 'node_boot_time_seconds')).toBe(btime)
      expect(cpu.some((p) => p.labels.cpu === 'total' || p.labels.mode === 'guest')).toBe(false)
    },
  )

  it('parseStat() leaves out the columns an old kernel does not have', () => {
    // Linux 2.6.10: no steal column.
    const points = parseStat('cpu  10 0 5 100 1 0 0\ncpu0 10 0 5 100 1 0 0\n')
    expect(points.map((p) => p.labels.mode)).toEqual([
      'user',
      'nice',
      'system',
      'idle',
      'iowait',
      'irq',
      'softirq',
    ])
  })

  it('parseLoadavg() gives the three load averages', () => {
    expect(parseLoadavg(read('4.19', 'loadavg')).map((p) => [p.name, p.value])).toEqual([
      ['node_load1', 1.52],
      ['node_load5', 1.21],
      ['node_load15', 0.98],
    ])
  })

  test.each(['4.14', '4.19', '6.x'])(
    'parseMeminfo() on %s names fields like node_exporter and converts kB to bytes',
    (k) => {
      const points = parseMeminfo(read(k, 'meminfo'))
      for (const f of ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapTotal'])
        expect(value(points, `node_memory_${f}_bytes`)).toBeGreaterThan(0)
      expect(value(points, 'node_memory_Active_anon_bytes')).toBeGreaterThan(0)
      expect(value(points, 'node_memory_HugePages_Total')).toBe(0)
      expect(points.every((p) => /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(p.name))).toBe(true)
    },
  )

  it('parseMeminfo() reports only the fields the kernel has (KReclaimable from 4.20)', () => {
    expect(value(parseMeminfo(read('4.14', 'meminfo')), 'node_memory_KReclaimable_bytes')).toBe(
      undefined,
    )
    const six = parseMeminfo(read('6.x', 'meminfo'))
    expect(value(six, 'node_memory_KReclaimable_bytes')).toBe(241420 * 1024)
    expect(value(six, 'node_memory_MemTotal_bytes')).toBe(8029568 * 1024)
  })

  it('parseUptime() gives the seconds since boot', () => {
    expect(parseUptime(read('6.x', 'uptime'))).toEqual([
      { name: 'node_uptime_seconds', labels: {}, value: 18523.45 },
    ])
  })
})

describe('proc-devices', () => {
  test.each([
    ['4.14', 14, ['sda', 'dm-0']],
    ['4.19', 18, ['nvme0n1']],
    ['6.x', 20, ['vda']],
  ])('parseDiskstats() on %s (%i columns) keeps whole disks only', (k, _columns, devices) => {
    const points = parseDiskstats(read(k, 'diskstats'))
    expect([...new Set(points.map((p) => p.labels.device))]).toEqual(devices)
    expect(points.filter((p) => p.labels.device === devices[0])).toHaveLength(5)
  })

  it('parseDiskstats() reads sectors as 512 bytes and I/O time in seconds', () => {
    const points = parseDiskstats(read('6.x', 'diskstats'))
    const vda = { device: 'vda' }
    expect(value(points, 'node_disk_reads_completed_total', vda)).toBe(84501)
    expect(value(points, 'node_disk_read_bytes_total', vda)).toBe(5678902 * 512)
    expect(value(points, 'node_disk_writes_completed_total', vda)).toBe(123456)
    expect(value(points, 'node_disk_written_bytes_total', vda)).toBe(9876544 * 512)
    expect(value(points, 'node_disk_io_time_seconds_total', vda)).toBe(156.789)
  })

  it('parseNetDev() gives eight counters per interface, lo included', () => {
    const points = parseNetDev(read('4.14', 'net/dev'))
    expect(points).toHaveLength(16)
    const eth0 = { device: 'eth0' }
    expect(value(points, 'node_network_receive_bytes_total', eth0)).toBe(1234567890)
    expect(value(points, 'node_network_receive_packets_total', eth0)).toBe(987654)
    expect(value(points, 'node_network_receive_errs_total', eth0)).toBe(1)
    expect(value(points, 'node_network_receive_drop_total', eth0)).toBe(2)
    expect(value(points, 'node_network_transmit_bytes_total', eth0)).toBe(987654321)
    expect(value(points, 'node_network_transmit_packets_total', eth0)).toBe(876543)
    expect(value(points, 'node_network_transmit_errs_total', eth0)).toBe(3)
    expect(value(points, 'node_network_transmit_drop_total', eth0)).toBe(4)
    expect(value(points, 'node_network_receive_bytes_total', { device: 'lo' })).toBe(45678)
  })

  it('parseNetDev() splits an interface glued to its byte count', () => {
    const points = parseNetDev('eth1:9999999999 1 0 0 0 0 0 0 8 1 0 0 0 0 0 0\n')
    expect(value(points, 'node_network_receive_bytes_total', { device: 'eth1' })).toBe(9999999999)
  })

  test.each([
    ['4.14', ['/', '/run', '/boot']],
    [
      '4.19',
      [
        '/',
        '/boot/efi',
        '/run/containerd/io.containerd.grpc.v1.cri/sandboxes/abc/shm',
        '/mnt/my data',
      ],
    ],
    ['6.x', ['/', '/run']],
  ])(
    'parseMounts() on %s skips pseudo file systems and repeated mount points',
    (k, mountpoints) => {
      expect(parseMounts(read(k, 'mounts')).map((m) => m.mountpoint)).toEqual(mountpoints)
    },
  )
})
