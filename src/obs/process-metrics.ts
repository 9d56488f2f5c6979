/**
 * The standard `process_*` metrics (CPU, memory, file descriptors, start time), read from
 * `/proc/self` and `process`. prom-client's default collectors are not used: under Bun some read
 * zero or nonsense, and its `nodejs_*_total` gauges fail `promtool check metrics`.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { Counter, Gauge, type Registry } from 'prom-client'

const startTimeSeconds = Math.round(Date.now() / 1000 - performance.now() / 1000)

function statusField(name: string): number | undefined {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(
      readFileSync('/proc/self/status', 'utf8'),
    )
    return match ? Number(match[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length
  } catch {
    return undefined
  }
}

function maxFds(): number | undefined {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

function cpuCounter(registry: Registry, name: string, help: string, read: () => number) {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset()
      this.inc(read())
    },
  })
}

function gauge(registry: Registry, name: string, help: string, read: () => number | undefined) {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read()
      if (value !== undefined) this.set(value)
    },
  })
}

/** registerProcessMetrics adds the `process_*` metrics to the registry. */
export function registerProcessMetrics(registry: Registry): void {
  cpuCounter(
    registry,
    'process_cpu_user_seconds_total',
    'User CPU time spent in seconds.',
    () => process.cpuUsage().user / 1e6,
  )
  cpuCounter(
    registry,
    'process_cpu_system_seconds_total',
    'System CPU time spent in seconds.',
    () => process.cpuUsage().system / 1e6,
  )
  cpuCounter(
    registry,
    'process_cpu_seconds_total',
    'Total user and system CPU time spent in seconds.',
    () => {
      const cpu = process.cpuUsage()
      return (cpu.user + cpu.system) / 1e6
    },
  )
  gauge(
    registry,
    'process_start_time_seconds',
    'Start time of the process since unix epoch in seconds.',
    () => startTimeSeconds,
  )
  gauge(
    registry,
    'process_resident_memory_bytes',
    'Resident memory size in bytes.',
    () => statusField('VmRSS') ?? process.memoryUsage().rss,
  )
  gauge(registry, 'process_virtual_memory_bytes', 'Virtual memory size in bytes.', () =>
    statusField('VmSize'),
  )
  gauge(
    registry,
    'process_heap_bytes',
    'JavaScript heap in use, in bytes.',
    () => process.memoryUsage().heapUsed,
  )
  gauge(registry, 'process_open_fds', 'Number of open file descriptors.', openFds)
  gauge(registry, 'process_max_fds', 'Maximum number of open file descriptors.', maxFds)
}
