/**
 * Pure parsers for the per-device files under /proc: diskstats, net/dev and mounts. diskstats
 * has 14 columns up to Linux 4.17, 18 from 4.18 (discards) and 20 from 5.5 (flushes); only the
 * first 14 are read, so every flavour gives the same series.
 */
import { point, type Point } from './types.ts'

/** SECTOR_BYTES is the unit of the sector columns of /proc/diskstats, whatever the device's. */
export const SECTOR_BYTES = 512

// node_exporter's default: RAM and loop devices, floppies and partitions (the whole disk counts).
const ignoredDisk = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]+|nvme\d+n\d+p|mmcblk\d+p)\d+$/

/**
 * parseDiskstats reads /proc/diskstats into node_disk_* counters by `device`, skipping loop, RAM
 * and partition devices and lines too short to hold the I/O time (very old kernels' partitions).
 */
export function parseDiskstats(text: string): Point[] {
  const out: Point[] = []
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length < 14) continue
    const device = f[2]!
    if (ignoredDisk.test(device)) continue
    const n = (i: number) => Number(f[i])
    const labels = { device }
    out.push(
      point('node_disk_reads_completed_total', n(3), labels),
      point('node_disk_read_bytes_total', n(5) * SECTOR_BYTES, labels),
      point('node_disk_writes_completed_total', n(7), labels),
      point('node_disk_written_bytes_total', n(9) * SECTOR_BYTES, labels),
      point('node_disk_io_time_seconds_total', n(12) / 1000, labels),
    )
  }
  return out
}

const netColumns: [number, string][] = [
  [0, 'receive_bytes'],
  [1, 'receive_packets'],
  [2, 'receive_errs'],
  [3, 'receive_drop'],
  [8, 'transmit_bytes'],
  [9, 'transmit_packets'],
  [10, 'transmit_errs'],
  [11, 'transmit_drop'],
]

/**
 * parseNetDev reads /proc/net/dev into `node_network_<column>_total{device}`; lo is kept, as
 * node_exporter keeps it. The interface name is split at its colon, since old kernels print
 * `eth0:123456` with no space once the byte count grows wide.
 */
export function parseNetDev(text: string): Point[] {
  const out: Point[] = []
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const device = line.slice(0, colon).trim()
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
    if (!device || f.length < 16) continue
    for (const [i, name] of netColumns)
      out.push(point(`node_network_${name}_total`, Number(f[i]), { device }))
  }
  return out
}

/** Mount is one line of /proc/mounts. */
export interface Mount {
  device: string
  mountpoint: string
  fstype: string
}

/** ignoredFsTypes are node_exporter's pseudo and read-only image file systems. */
export const ignoredFsTypes =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/

// /proc/mounts escapes space, tab, newline and backslash as three octal digits.
const unescape = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)))

/** parseMounts reads /proc/mounts, keeping real file systems, each mount point once. */
export function parseMounts(text: string): Mount[] {
  const seen = new Set<string>()
  const out: Mount[] = []
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length < 3) continue
    const mount = { device: unescape(f[0]!), mountpoint: unescape(f[1]!), fstype: f[2]! }
    if (ignoredFsTypes.test(mount.fstype) || seen.has(mount.mountpoint)) continue
    seen.add(mount.mountpoint)
    out.push(mount)
  }
  return out
}
