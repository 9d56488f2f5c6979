/**
 * Pure parsers for the system-wide files under /proc: stat (CPU time, boot time), loadavg,
 * meminfo and uptime. Each takes the file's text and returns node_exporter-named points; columns a
 * kernel does not have (steal before 2.6.11, say) are left out rather than reported as 0.
 */
import { point, type Point } from './types.ts'

/** USER_HZ is the unit of the CPU columns of /proc/stat: 100 on every Linux architecture. */
export const USER_HZ = 100

const cpuModes = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const

/**
 * parseStat reads /proc/stat into `node_cpu_seconds_total{cpu,mode}` per core and
 * `node_boot_time_seconds`. The aggregate `cpu` line is not emitted: it is the sum over the
 * `cpu` label, and keeping it would double every `sum(rate(node_cpu_seconds_total[...]))`.
 * Guest time is already counted in user and nice, so it is left out too (as node_exporter does).
 */
export function parseStat(text: string): Point[] {
  const out: Point[] = []
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/)
    const key = fields[0]
    if (key === undefined) continue
    const core = /^cpu(\d+)$/.exec(key)
    if (core) {
      cpuModes.forEach((mode, i) => {
        const raw = fields[i + 1]
        if (raw === undefined) return
        out.push(point('node_cpu_seconds_total', Number(raw) / USER_HZ, { cpu: core[1]!, mode }))
      })
    } else if (key === 'btime' && fields[1] !== undefined) {
      out.push(point('node_boot_time_seconds', Number(fields[1])))
    } else if (key === 'ctxt' && fields[1] !== undefined) {
      out.push(point('node_context_switches_total', Number(fields[1])))
    } else if (key === 'processes' && fields[1] !== undefined) {
      out.push(point('node_forks_total', Number(fields[1])))
    } else if (key === 'procs_running' && fields[1] !== undefined) {
      out.push(point('node_procs_running', Number(fields[1])))
    } else if (key === 'procs_blocked' && fields[1] !== undefined) {
      out.push(point('node_procs_blocked', Number(fields[1])))
    }
  }
  return out
}

/** parseLoadavg reads /proc/loadavg into node_load1, node_load5 and node_load15. */
export function parseLoadavg(text: string): Point[] {
  const [one, five, fifteen] = text.trim().split(/\s+/)
  if (fifteen === undefined) return []
  return [
    point('node_load1', Number(one)),
    point('node_load5', Number(five)),
    point('node_load15', Number(fifteen)),
  ]
}

/**
 * parseMeminfo reads /proc/meminfo into `node_memory_<Field>_bytes` (kB values times 1024) and
 * `node_memory_<Field>` for the unitless counts (HugePages_Total); `Active(anon)` becomes
 * `Active_anon`, as node_exporter names it.
 */
export function parseMeminfo(text: string): Point[] {
  const out: Point[] = []
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line)
    if (!m) continue
    const field = m[1]!.replace(/\((\w+)\)/, '_$1')
    const value = Number(m[2])
    out.push(
      m[3]
        ? point(`node_memory_${field}_bytes`, value * 1024)
        : point(`node_memory_${field}`, value),
    )
  }
  return out
}

/** parseUptime reads /proc/uptime into node_uptime_seconds (seconds since boot). */
export function parseUptime(text: string): Point[] {
  const first = text.trim().split(/\s+/)[0]
  return first ? [point('node_uptime_seconds', Number(first))] : []
}
