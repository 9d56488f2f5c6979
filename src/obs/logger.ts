/**
 * The JSON logger: one object per line on stdout (and appended to a file when configured), with
 * `ts` in RFC 3339 at nanosecond precision, `level`, `msg` and any fields given.
 */
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { hrtime } from 'node:process'

/** LogLevel orders the levels; lower levels are dropped below the configured one. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** Logger writes structured lines; `child` adds fields to every line it writes. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(fields: Record<string, unknown>): Logger
  enabled(level: LogLevel): boolean
}

/** LogSink receives each finished line (with its newline). */
export type LogSink = (line: string) => void

// The wall clock anchored once, then advanced by the monotonic clock: nanosecond resolution
// without reading Date for every line.
const anchorNs = BigInt(Date.now()) * 1_000_000n - hrtime.bigint()

/** nowRfc3339Nano returns the current time as `2026-11-22T10:00:00.123456789Z`. */
export function nowRfc3339Nano(): string {
  const ns = anchorNs + hrtime.bigint()
  const ms = Number(ns / 1_000_000n)
  const iso = new Date(ms).toISOString()
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0')
  return `${iso.slice(0, 19)}.${fraction}Z`
}

/** stdoutSink writes lines to standard output. */
export const stdoutSink: LogSink = (line) => {
  process.stdout.write(line)
}

/** fileSink appends lines to a file, creating its directory; write errors go to stderr once. */
export function fileSink(path: string): LogSink {
  mkdirSync(dirname(path), { recursive: true })
  let failed = false
  return (line) => {
    try {
      appendFileSync(path, line)
    } catch (err) {
      if (!failed) process.stderr.write(`vigil: cannot write log file ${path}: ${err}\n`)
      failed = true
    }
  }
}

/** createLogger builds a logger that writes lines at or above `level` to every sink. */
export function createLogger(
  level: LogLevel,
  sinks: LogSink[] = [stdoutSink],
  base: Record<string, unknown> = {},
): Logger {
  const min = rank[level]
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (rank[lvl] < min) return
    const line = `${JSON.stringify({ ts: nowRfc3339Nano(), level: lvl, msg, ...base, ...fields }, replacer)}\n`
    for (const sink of sinks) sink(line)
  }
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger(level, sinks, { ...base, ...fields }),
    enabled: (lvl) => rank[lvl] >= min,
  }
}

// Errors serialise to {} by default; keep what helps a reader.
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack }
  }
  if (typeof value === 'bigint') return value.toString()
  return value
}
