/**
 * Where a setting's value comes from (flag, then environment, then config file, then default) and
 * the error that lists what is invalid. No zod here: commands that read only a few settings
 * (`vigil agent`) use it without loading the validation of the whole table.
 */
import type { Setting } from './config-settings.ts'

/** ConfigError lists every invalid setting, each named by where its value came from. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Source is a setting's raw value and where it came from, for error messages. */
export type Source = { value: unknown; from: string }

/** pick finds a setting's value: the flag, the environment, the config file, else the default. */
export function pick(
  setting: Setting,
  flags: Record<string, string | boolean | undefined>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown>,
  configFile: string | undefined,
): Source {
  const flag = str(flags[setting.flag])
  if (flag !== undefined) return { value: flag, from: `flag --${setting.flag}` }
  const fromEnv = env[setting.env]
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, from: 'environment' }
  if (file[setting.file] !== undefined && file[setting.file] !== null) {
    return { value: file[setting.file], from: `${configFile}: ${setting.file}` }
  }
  return { value: setting.default, from: 'default' }
}

/** str is a flag's value when it is a string. */
export function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}
