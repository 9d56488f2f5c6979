/** The process logger of every command: stdout, plus the log file if one is set. */
import type { Config } from '../config.ts'
import { createLogger, fileSink, stdoutSink, type Logger } from '../obs/logger.ts'

/** loggerFor builds the process logger from the config (stdout, plus the log file if set). */
export function loggerFor(config: Pick<Config, 'logLevel' | 'logFile'>): Logger {
  const sinks = [stdoutSink]
  if (config.logFile) sinks.push(fileSink(config.logFile))
  return createLogger(config.logLevel, sinks)
}
