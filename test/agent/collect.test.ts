import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { containerPoints, findContainers } from '../../src/agent/cgroup.ts'
import { collect, filesystemPoints, type FsStats } from '../../src/agent/collect.ts'

const fixtures = join(import.meta.dir, '../fixtures/proc')
const fakeStatfs = (): FsStats => ({
  bsize: 4096,
  blocks: 1000,
  bfree: 400,
  bavail: 300,
  files: 100,
  ffree: 60,
})

describe('collect', () => {
  it('collect() stamps every sample with the host from the root and one time', () => {
    const c = collect({ root: join(fixtures, '6.x'), cgroup: false, statfs: fakeStatfs }, 1234)
    expect(c.host).toBe('fixture-6x')
    expect(c.errors).toEqual([])
    expect(c.samples.every((s) => s.labels.host === 'fixture-6x' && s.ts === 1234)).toBe(true)
    const names = new Set(c.samples.map((s) => s.name))
    for (const n of [
      'node_cpu_seconds_total',
      'node_load1',
      'node_memory_MemAvailable_bytes',
      'node_filesystem_avail_bytes',
      'node_disk_io_time_seconds_total',
      'node_network_receive_bytes_total',
      'node_uptime_seconds',
      'node_boot_time_seconds',
    ])
      expect(names.has(n)).toBe(true)
  })

  it('collect() reports a missing file and still returns the others', () => {
    const c = collect({ root: join(fixtures, 'cgroup-v2'), cgroup: true, statfs: fakeStatfs })
    expect(c.errors).toContain('proc/stat: ENOENT')
    expect(c.samples.some((s) => s.name === 'container_memory_usage_bytes')).toBe(true)
  })

  it('collect() on the real / gives the load and a file system for /', () => {
    const c = collect({ root: '/', cgroup: false })
    expect(c.samples.some((s) => s.name === 'node_load1')).toBe(true)
    expect(
      c.samples.some((s) => s.name === 'node_filesystem_size_bytes' && s.labels.mountpoint === '/'),
    ).toBe(true)
  })

  it('filesystemPoints() multiplies blocks by the block size and labels the mount', () => {
    const points = filesystemPoints(
      [{ device: '/dev/vda1', mountpoint: '/', fstype: 'ext4' }],
      '/host',
      fakeStatfs,
    )
    const labels = { mountpoint: '/', fstype: 'ext4', device: '/dev/vda1' }
    expect(points).toEqual([
      { name: 'node_filesystem_size_bytes', labels, value: 4096000 },
      { name: 'node_filesystem_free_bytes', labels, value: 1638400 },
      { name: 'node_filesystem_avail_bytes', labels, value: 1228800 },
      { name: 'node_filesystem_files', labels, value: 100 },
      { name: 'node_filesystem_files_free', labels, value: 60 },
    ])
  })

  it('filesystemPoints() statfs-es the mount point under the root and skips what fails', () => {
    const seen: string[] = []
    const errors: string[] = []
    const points = filesystemPoints(
      [
        { device: 'a', mountpoint: '/', fstype: 'ext4' },
        { device: 'b', mountpoint: '/gone', fstype: 'nfs' },
      ],
      '/host',
      (path) => {
        seen.push(path)
        if (path.endsWith('gone')) throw Object.assign(new Error('x'), { code: 'ESTALE' })
        return fakeStatfs()
      },
      errors,
    )
    expect(seen).toEqual(['/host/', '/host/gone'])
    expect(points).toHaveLength(5)
    expect(errors).toEqual(['statfs /gone: ESTALE'])
  })
})

describe('cgroup', () => {
  const cgroupRoot = join(fixtures, 'cgroup-v2/sys/fs/cgroup')

  it('findContainers() finds systemd- and cgroupfs-driver containers with their pod UID', () => {
    const found = findContainers(cgroupRoot)
      .map((c) => [c.podUid, c.containerId.slice(0, 12)])
      .sort()
    expect(found).toEqual([
      ['1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', '0123456789ab'],
      ['1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d', 'fedcba987654'],
      ['7f7f7f7f-0000-1111-2222-333344445555', 'abcdef012345'],
      ['99990000-1111-2222-3333-444455556666', 'aaaabbbbcccc'],
    ])
  })

  it('containerPoints() gives CPU seconds, usage and working set (usage - inactive_file)', () => {
    const c = findContainers(cgroupRoot).find((x) => x.containerId.startsWith('0123'))!
    const labels = { pod_uid: c.podUid, container_id: c.containerId }
    expect(containerPoints(c)).toEqual([
      { name: 'container_cpu_usage_seconds_total', labels, value: 1.5 },
      { name: 'container_memory_usage_bytes', labels, value: 104857600 },
      { name: 'container_memory_working_set_bytes', labels, value: 62914560 },
    ])
  })

  it('containerPoints() leaves out the working set when memory.stat is missing', () => {
    const c = findContainers(cgroupRoot).find((x) => x.containerId.startsWith('fedc'))!
    expect(containerPoints(c).map((p) => p.name)).toEqual([
      'container_cpu_usage_seconds_total',
      'container_memory_usage_bytes',
    ])
  })
})
