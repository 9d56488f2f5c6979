/** The shape of a CLI command and the flags every command shares (one per setting). */
import type { Config } from '../config.ts'
import { settings, type Setting } from '../config-settings.ts'

/** OptionSpec declares one flag of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  description: string
  value?: string
}

/** CommandIO is where a command writes; tests capture it. */
export interface CommandIO {
  out(text: string): void
  err(text: string): void
}

/** CommandContext is what a command's `run` receives. */
export interface CommandContext<C = Config> {
  config: C
  flags: Record<string, string | boolean | undefined>
  positionals: string[]
  io: CommandIO
}

/** Command is one `vigil <command>`; `run` returns the exit status. */
export interface Command<C = Config> {
  name: string
  summary: string
  description: string
  /** The positional arguments for the usage line (e.g. `<add|list> [NAME]`); none when absent. */
  args?: string
  options: Record<string, OptionSpec>
  /**
   * settings `basic`: the command gets a BasicConfig (src/cli/basic-config.ts) read without zod
   * and without a config file, to stay small (the agent); absent: the whole Config.
   */
  settings?: C extends Config ? undefined : 'basic'
  run(ctx: CommandContext<C>): Promise<number>
}

/** commonOptions are accepted by every command: `--config` and one flag per setting. */
export const commonOptions: Record<string, OptionSpec> = {
  config: { type: 'string', value: 'FILE', description: 'YAML file with settings (VIGIL_CONFIG)' },
  ...Object.fromEntries(
    (Object.values(settings) as Setting[]).map((s) => [
      s.flag,
      {
        type: 'string' as const,
        value: s.flag.toUpperCase().replace(/-/g, '_'),
        description: `${s.doc} (${s.env}${s.default !== undefined ? `, default ${s.default}` : ''})`,
      },
    ]),
  ),
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
}

/** formatOptions renders a list of flags for `--help`. */
export function formatOptions(options: Record<string, OptionSpec>): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`
    return [left, spec.description] as const
  })
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  return rows.map(([left, desc]) => `  ${left.padEnd(width)}${desc}`).join('\n')
}

/** UsageError says the command line is wrong; the CLI prints the command's help and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}
