/**
 * The few settings a light command needs (the agent: where its buffer lives, how it logs, how
 * long it may take to stop), read from flags and VIGIL_* variables with the same precedence,
 * names and messages as the full configuration, but without loading zod and the whole table's
 * validation: that alone costs the agent about 14 MiB of its memory. `--config` files are for
 * the server; a light command refuses one rather than half-reading it.
 */
import { settings, type Setting } from '../config-settings.ts'
import { ConfigError, pick, str } from '../config-source.ts'
import type { Config } from '../config.ts'
import { parseDuration } from '../units.ts'

/** BasicConfig is the part of Config a light command gets. */
export type BasicConfig = Pick<Config, 'dataDir' | 'logLevel' | 'logFile' | 'shutdownTimeoutMs'>

const levels = ['debug', 'info', 'warn', 'error'] as const

/** readBasicConfig reads the BasicConfig; a ConfigError lists what is invalid. */
export function readBasicConfig(
  flags: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined> = process.env,
): BasicConfig {
  if (str(flags.config) !== undefined)
    throw new ConfigError([
      'VIGIL_CONFIG (--config): this command reads its settings from flags and VIGIL_* variables only',
    ])
  const problems: string[] = []
  const read = (setting: Setting, check: (text: string) => string | undefined) => {
    const source = pick(setting, flags, env, {}, undefined)
    const text = typeof source.value === 'string' ? source.value.trim() : undefined
    const problem = text === undefined ? undefined : check(text)
    if (problem) problems.push(`${setting.env} (${source.from}): ${problem} (got "${text}")`)
    return text
  }
  const dataDir = read(settings.dataDir, (t) => (t === '' ? 'must not be empty' : undefined))
  const logLevel = read(settings.logLevel, (t) =>
    (levels as readonly string[]).includes(t) ? undefined : `must be one of ${levels.join(', ')}`,
  )
  const logFile = read(settings.logFile, (t) => (t === '' ? 'must not be empty' : undefined))
  const shutdown = read(settings.shutdownTimeout, (t) => {
    const ms = parseDuration(t)
    return ms === undefined || ms > 300_000 ? 'must be a duration up to 5m, such as 30s' : undefined
  })
  if (problems.length > 0) throw new ConfigError(problems)
  return {
    dataDir: dataDir!,
    logLevel: (logLevel ?? 'info') as BasicConfig['logLevel'],
    logFile: logFile || undefined,
    shutdownTimeoutMs: parseDuration(shutdown ?? '30s')!,
  }
}
