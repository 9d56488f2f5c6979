/**
 * Turns a log line as an agent sent it into a `LogLine`: the level normalised, the service, labels
 * and time checked, an over-long message truncated (kept and flagged, never refused). Pure.
 */
import { levels, type Level, type LogLimits, type LogLine } from './types.ts'
import {
  recordLabels,
  recordName,
  recordTime,
  refuse,
  truncateUtf8,
  wellFormed,
  type RecordRejection,
} from '../ingest/record.ts'

const levelNames: Record<string, Level> = {
  trace: 'debug',
  debug: 'debug',
  dbg: 'debug',
  verbose: 'debug',
  info: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  log: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
}

/**
 * normalizeLevel maps common spellings (any case: WARNING, err, CRITICAL, notice, trace, syslog
 * numbers 0–7) to one of the five levels; undefined for anything else. Absent means info.
 */
export function normalizeLevel(level: unknown): Level | undefined {
  if (level === undefined || level === null || level === '') return 'info'
  if (typeof level === 'number' && Number.isInteger(level) && level >= 0 && level <= 7) {
    // syslog severities: 0 emerg … 7 debug
    return (['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'] as const)[level]
  }
  if (typeof level !== 'string' || level.length > 20) return undefined
  return levelNames[level.trim().toLowerCase()]
}

/** levelRank orders levels: debug 0 … fatal 4. */
export function levelRank(level: Level): number {
  return levels.indexOf(level)
}

/** RawLog is one entry of an ingest body, nothing checked yet. */
export interface RawLog {
  ts?: unknown
  service?: unknown
  level?: unknown
  message?: unknown
  labels?: unknown
}

/** validateLog checks one raw line at time `now` and returns the line or why it is refused. */
export function validateLog(
  raw: unknown,
  now: number,
  limits: LogLimits,
): { ok: true; line: LogLine } | RecordRejection {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refuse('invalid_record', 'each log line must be an object')
  }
  const r = raw as RawLog
  const service = recordName('service', r.service, limits.maxServiceBytes)
  if (!service.ok) return service
  const level = normalizeLevel(r.level)
  if (level === undefined) {
    return refuse(
      'invalid_level',
      `level ${JSON.stringify(r.level)} is not one of debug, info, warn, error, fatal (or a common spelling of them)`,
    )
  }
  if (typeof r.message !== 'string') {
    return refuse('invalid_message', 'message must be a string')
  }
  const time = recordTime(r.ts, now, limits.maxAgeMs, limits.maxFutureMs)
  if (!time.ok) return time
  const labels = recordLabels(r.labels, limits)
  if (!labels.ok) return labels
  const message = truncateUtf8(wellFormed(r.message), limits.maxMessageBytes)
  return {
    ok: true,
    line: {
      ts: time.t,
      service: service.name,
      level,
      message: message.text,
      labels: labels.labels,
      truncated: message.truncated,
    },
  }
}

/** logLimits reads the line limits from the configuration. */
export function logLimits(config: {
  ingest: { maxLabels: number; maxNameBytes: number; maxValueBytes: number; maxFutureMs: number }
  logs: { maxMessageBytes: number; retentionMs: number }
}): LogLimits {
  return {
    maxMessageBytes: config.logs.maxMessageBytes,
    maxServiceBytes: config.ingest.maxNameBytes,
    maxLabels: config.ingest.maxLabels,
    maxNameBytes: config.ingest.maxNameBytes,
    maxValueBytes: config.ingest.maxValueBytes,
    maxAgeMs: config.logs.retentionMs,
    maxFutureMs: config.ingest.maxFutureMs,
  }
}
