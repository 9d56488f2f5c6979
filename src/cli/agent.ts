/**
 * `vigil agent`: the host agent. Parses its flags and runs `startAgent` until SIGTERM or SIGINT,
 * then flushes; `--once` collects once and prints the samples as JSON lines instead.
 */
import { join } from 'node:path'
import { collect, startAgent } from '../agent/index.ts'
import { loggerFor } from './logger.ts'
import { parseDuration, parseSize } from '../units.ts'
import type { BasicConfig } from './basic-config.ts'
import type { Command } from './command.ts'
import { UsageError } from './command.ts'

/** parseListen reads `host:port`, `:port` or `[::1]:port`. */
export function parseListen(text: string): { hostname: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim())
  const port = m ? Number(m[3]) : NaN
  if (!m || port > 65535) throw new UsageError(`--listen must be host:port, got "${text}"`)
  return { hostname: m[1] ?? (m[2] || '0.0.0.0'), port }
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)

/** agentCommand collects host metrics and sends them to a vigil server. */
export const agentCommand: Command<BasicConfig> = {
  settings: 'basic',
  name: 'agent',
  summary: 'Collect host (and container) metrics and send them to a vigil server',
  description:
    'Reads /proc under --root every --interval (CPU, load, memory, file systems, disks, network,\n' +
    'uptime; with --cgroup the cgroup v2 tree of Kubernetes pods) and sends each collection as one\n' +
    'gzip batch to POST /api/v1/ingest/metrics with the token (needs ingest:write). Unsent batches\n' +
    'wait in memory and in --buffer-dir (bounded by --buffer-max, oldest dropped first) and are\n' +
    'sent in order when the server is back. SIGTERM or SIGINT sends what is queued (5 s at most)\n' +
    'and keeps the rest on disk for the next start.',
  options: {
    server: { type: 'string', value: 'URL', description: 'vigil server to send to (required)' },
    token: {
      type: 'string',
      value: 'TOKEN',
      description: 'API token with ingest:write (else VIGIL_AGENT_TOKEN)',
    },
    interval: { type: 'string', value: 'DURATION', description: 'Time between collections (10s)' },
    listen: {
      type: 'string',
      value: 'HOST:PORT',
      description: 'Serve /healthz and /metrics (the agent’s own) on this address',
    },
    root: {
      type: 'string',
      value: 'DIR',
      description: 'Directory the host’s /proc and /sys are under (/; /host in a DaemonSet)',
    },
    hostname: {
      type: 'string',
      value: 'NAME',
      description: 'The host label (<root>/proc/sys/kernel/hostname; the node name in a pod)',
    },
    cgroup: { type: 'boolean', description: 'Also collect per-container cgroup v2 figures' },
    'buffer-dir': {
      type: 'string',
      value: 'DIR',
      description: 'Where unsent batches are kept (<data dir>/agent-buffer)',
    },
    'buffer-max': {
      type: 'string',
      value: 'SIZE',
      description: 'Bound of the unsent batches, memory and disk (64MiB)',
    },
    once: { type: 'boolean', description: 'Collect once, print the samples as JSON lines, exit' },
  },
  async run({ config, flags, positionals, io }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`)
    const root = str(flags.root) ?? '/'
    const cgroup = flags.cgroup === true
    const host = str(flags.hostname)
    if (flags.once === true) {
      const c = collect({ root, cgroup, host })
      io.out(c.samples.map((s) => `${JSON.stringify(s)}\n`).join(''))
      for (const e of c.errors) io.err(`vigil agent: ${e}\n`)
      return 0
    }
    const server = str(flags.server)
    if (!server) throw new UsageError('--server URL is required (the vigil server to send to)')
    if (!/^https?:\/\/[^/]/.test(server))
      throw new UsageError(`--server must be an http:// or https:// URL, got "${server}"`)
    const intervalMs = parseDuration(str(flags.interval) ?? '10s')
    if (intervalMs === undefined || intervalMs < 100)
      throw new UsageError('--interval must be a duration of at least 100ms, such as 10s')
    const bufferMaxBytes = parseSize(str(flags['buffer-max']) ?? '64MiB')
    if (bufferMaxBytes === undefined || bufferMaxBytes < 1024)
      throw new UsageError('--buffer-max must be a size of at least 1KiB, such as 64MiB')
    const listen = str(flags.listen) === undefined ? undefined : parseListen(str(flags.listen)!)
    const token = str(flags.token) ?? process.env.VIGIL_AGENT_TOKEN
    const logger = loggerFor(config).child({ component: 'agent' })
    const agent = await startAgent({
      server,
      token,
      intervalMs,
      root,
      cgroup,
      host,
      bufferDir: str(flags['buffer-dir']) ?? join(config.dataDir, 'agent-buffer'),
      bufferMaxBytes,
      listen,
      flushTimeoutMs: Math.min(5000, config.shutdownTimeoutMs),
      logger,
    })
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'))
      process.once('SIGINT', () => resolve('SIGINT'))
    })
    await agent.stop(signal)
    return 0
  },
}
