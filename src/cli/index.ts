/**
 * The CLI: finds the command in argv, parses its flags, loads the configuration and runs it.
 * Returns the exit status (0 ok, 1 failure, 2 usage or configuration error); main.ts exits with it.
 */
import { parseArgs } from 'node:util'
import { ConfigError } from '../config-source.ts'
import { readBasicConfig } from './basic-config.ts'
import {
  commonOptions,
  formatOptions,
  UsageError,
  type Command,
  type CommandIO,
} from './command.ts'
/** CommandEntry names a command and loads it: its module is imported only when it runs. */
export interface CommandEntry {
  summary: string
  load: () => Promise<Command<any>>
}

// Each command's module (and what it imports: the server, the database, the cluster client) is
// loaded only for that command, so `vigil agent` does not carry the server in its memory. The
// summaries are repeated here for the top-level help; a test checks they match the modules'.
/** commands lists every `vigil <command>`. */
export const commands: Record<string, CommandEntry> = {
  serve: {
    summary: 'Run the server (the default command)',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
  migrate: {
    summary: 'Apply database migrations',
    load: async () => (await import('./migrate.ts')).migrateCommand,
  },
  backup: {
    summary: 'Write a consistent copy of the database (also while vigil runs)',
    load: async () => (await import('./backup.ts')).backupCommand,
  },
  restore: {
    summary: 'Replace the database with a backup (vigil must be stopped)',
    load: async () => (await import('./backup.ts')).restoreCommand,
  },
  user: {
    summary: 'Manage users (add, list, set-role, reset-password, disable, enable)',
    load: async () => (await import('./user.ts')).userCommand,
  },
  token: {
    summary: 'Manage API tokens (create, list, revoke)',
    load: async () => (await import('./token.ts')).tokenCommand,
  },
  audit: {
    summary: 'Verify the audit trail (audit verify)',
    load: async () => (await import('./audit.ts')).auditCommand,
  },
  anomaly: {
    summary: 'Score a CSV of timestamp,value with the anomaly detector (anomaly score)',
    load: async () => (await import('./anomaly.ts')).anomalyCommand,
  },
  agent: {
    summary: 'Collect host (and container) metrics and send them to a vigil server',
    load: async () => (await import('./agent.ts')).agentCommand,
  },
  k8s: {
    summary: 'Check the Kubernetes connection (k8s check)',
    load: async () => (await import('./k8s.ts')).k8sCommand,
  },
  drift: {
    summary: 'Compare manifests with the cluster once (drift check)',
    load: async () => (await import('./drift.ts')).driftCommand,
  },
  policy: {
    summary: 'Check policy files offline (policy validate FILE...)',
    load: async () => (await import('./policy.ts')).policyCommand,
  },
  version: {
    summary: 'Print the version',
    load: async () => (await import('./version.ts')).versionCommand,
  },
}

const processIO: CommandIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}

/** usage is the top-level help. */
export function usage(): string {
  const names = Object.entries(commands).map(([name, c]) => ({ name, summary: c.summary }))
  const width = Math.max(...names.map((c) => c.name.length)) + 2
  return [
    'vigil: metrics, logs, anomaly detection, GitOps drift, policies and remediation in one binary.',
    '',
    'Usage: vigil [command] [flags]',
    '',
    'Commands:',
    ...names.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}Show help for a command`,
    '',
    'Run `vigil <command> --help` for the flags of a command. Every setting is also read from',
    'VIGIL_* environment variables and from the YAML file given by --config.',
    '',
  ].join('\n')
}

/** commandHelp is the help of one command. */
export function commandHelp(command: Command<unknown>): string {
  const own = Object.keys(command.options).length
    ? `Flags:\n${formatOptions(command.options)}\n\n`
    : ''
  return (
    `Usage: vigil ${command.name}${command.args ? ` ${command.args}` : ''} [flags]\n\n${command.description}\n\n${own}` +
    `Settings (every command):\n${formatOptions(shadowed(commonOptions, command))}\n`
  )
}

// The settings a command's own flags do not shadow.
const shadowed = <T>(options: Record<string, T>, command: Command<unknown>): Record<string, T> =>
  Object.fromEntries(Object.entries(options).filter(([name]) => !(name in command.options)))

/** runCli runs vigil with these arguments and returns the exit status. */
export async function runCli(
  argv: string[],
  io: CommandIO = processIO,
  env?: Record<string, string | undefined>,
): Promise<number> {
  const first = argv[0]
  if (first === '--help' || first === '-h') {
    io.out(usage())
    return 0
  }
  if (first === '--version') return runCli(['version', ...argv.slice(1)], io, env)
  if (first === 'help') {
    const target = argv[1] ? commands[argv[1]] : undefined
    if (argv[1] && !target) return usageError(io, `unknown command "${argv[1]}"`)
    io.out(target ? commandHelp(await target.load()) : usage())
    return 0
  }
  const named = first !== undefined && !first.startsWith('-')
  const entry = named ? commands[first] : commands.serve
  if (!entry) return usageError(io, `unknown command "${first}"`)
  const command = await entry.load()
  const rest = named ? argv.slice(1) : argv

  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...commonOptions, ...command.options },
      strict: true,
      allowPositionals: command.args !== undefined,
    })
  } catch (err) {
    return usageError(io, (err as Error).message, command)
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>
  if (flags.help) {
    io.out(commandHelp(command))
    return 0
  }
  // A command's own flag shadows the setting of the same name (the agent's --listen is not the
  // server's): it is not read as that setting.
  const settingFlags = shadowed(flags, command)
  let config
  try {
    config =
      command.settings === 'basic'
        ? readBasicConfig(settingFlags, env)
        : (await import('../config.ts')).loadConfig(settingFlags, env)
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`vigil: ${err.message}\n`)
      return 2
    }
    throw err
  }
  try {
    return await command.run({ config, flags, positionals: parsed.positionals, io })
  } catch (err) {
    if (err instanceof UsageError) return usageError(io, err.message, command)
    io.err(`vigil ${command.name}: ${(err as Error).message}\n`)
    return 1
  }
}

function usageError(io: CommandIO, message: string, command?: Command<unknown>): number {
  io.err(`vigil: ${message}\n\n${command ? commandHelp(command) : usage()}`)
  return 2
}
