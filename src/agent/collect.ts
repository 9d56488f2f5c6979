/**
 * One collection: reads the /proc files (and the cgroup tree with `cgroup`) under `root`, runs
 * the parsers and stamps every point with the `host` label and one timestamp. A file that cannot
 * be read is skipped with its error kept, so a kernel without one file still reports the others.
 */
import { readFileSync, statfsSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { containerPoints, findContainers } from './cgroup.ts'
import { parseDiskstats, parseMounts, parseNetDev, type Mount } from './proc-devices.ts'
import { parseLoadavg, parseMeminfo, parseStat, parseUptime } from './proc-system.ts'
import { point, type Point, type Sample } from './types.ts'

/** FsStats is what statfs tells about one file system (node:fs StatsFs fields). */
export interface FsStats {
  bsize: number
  blocks: number
  bfree: number
  bavail: number
  files: number
  ffree: number
}

/** CollectOptions says where to read and what. */
export interface CollectOptions {
  root: string
  cgroup: boolean
  /** host is the `host` label; else the name under root (see hostName). */
  host?: string
  /** statfs is node:fs statfsSync unless a test stands in for it. */
  statfs?: (path: string) => FsStats
}

/** Collection is one round's samples and the files that could not be read. */
export interface Collection {
  samples: Sample[]
  errors: string[]
  host: string
}

/** filesystemPoints turns the mounts and their statfs figures into node_filesystem_* points. */
export function filesystemPoints(
  mounts: Mount[],
  root: string,
  statfs: (path: string) => FsStats,
  errors: string[] = [],
): Point[] {
  const out: Point[] = []
  for (const m of mounts) {
    let s: FsStats
    try {
      s = statfs(join(root, m.mountpoint))
    } catch (err) {
      errors.push(`statfs ${m.mountpoint}: ${(err as NodeJS.ErrnoException).code ?? err}`)
      continue
    }
    const labels = { mountpoint: m.mountpoint, fstype: m.fstype, device: m.device }
    out.push(
      point('node_filesystem_size_bytes', s.blocks * s.bsize, labels),
      point('node_filesystem_free_bytes', s.bfree * s.bsize, labels),
      point('node_filesystem_avail_bytes', s.bavail * s.bsize, labels),
      point('node_filesystem_files', s.files, labels),
      point('node_filesystem_files_free', s.ffree, labels),
    )
  }
  return out
}

/** hostName reads the host's name under root, falling back to this machine's. */
export function hostName(root: string): string {
  try {
    const name = readFileSync(join(root, 'proc/sys/kernel/hostname'), 'utf8').trim()
    if (name) return name
  } catch {}
  return hostname()
}

/** collect reads everything once and returns the samples stamped with `now`. */
export function collect(options: CollectOptions, now = Date.now()): Collection {
  const { root } = options
  const errors: string[] = []
  // Under a mounted host root, /proc/self is the agent's own namespace: read pid 1's view first.
  const read = (...paths: string[]): string | undefined => {
    for (const p of paths) {
      try {
        return readFileSync(join(root, p), 'utf8')
      } catch (err) {
        if (p === paths[paths.length - 1])
          errors.push(`${p}: ${(err as NodeJS.ErrnoException).code ?? err}`)
      }
    }
    return undefined
  }
  const points: Point[] = []
  const parse = (parser: (text: string) => Point[], ...paths: string[]) => {
    const text = read(...paths)
    if (text !== undefined) points.push(...parser(text))
  }
  parse(parseStat, 'proc/stat')
  parse(parseLoadavg, 'proc/loadavg')
  parse(parseMeminfo, 'proc/meminfo')
  parse(parseUptime, 'proc/uptime')
  parse(parseDiskstats, 'proc/diskstats')
  parse(parseNetDev, 'proc/1/net/dev', 'proc/net/dev')
  const mounts = read('proc/1/mounts', 'proc/mounts')
  if (mounts !== undefined)
    points.push(
      ...filesystemPoints(parseMounts(mounts), root, options.statfs ?? statfsSync, errors),
    )
  if (options.cgroup)
    for (const c of findContainers(join(root, 'sys/fs/cgroup'))) points.push(...containerPoints(c))
  const host = options.host ?? hostName(root)
  const samples = points.map((p) => ({
    name: p.name,
    labels: { ...p.labels, host },
    value: p.value,
    ts: now,
  }))
  return { samples, errors, host }
}
