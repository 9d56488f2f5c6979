/** `vigil user`: add, list, set-role, reset-password, disable and enable users, audited as the CLI. */
import { roles } from '../auth/permissions.ts'
import { formatTime as when } from '../units.ts'
import type { Command } from './command.ts'
import { UsageError } from './command.ts'
import { expectArgs, table, withStores } from './store.ts'

/** userCommand manages the people who sign in. */
export const userCommand: Command = {
  name: 'user',
  summary: 'Manage users (add, list, set-role, reset-password, disable, enable)',
  description: [
    'Subcommands:',
    '  add NAME --role ROLE [--password P]   add a user; without --password one is generated and printed once',
    '  list                                  list users',
    '  set-role NAME ROLE                    change a role',
    '  reset-password NAME [--password P]    set a new password (generated when not given); ends their sessions',
    '  disable NAME                          disable a user and end all their sessions',
    '  enable NAME                           enable a disabled user',
    '',
    `Roles: ${roles.join(', ')}. Passwords: 12 to 128 characters, not one of the 10 000 most common.`,
  ].join('\n'),
  args: '<add|list|set-role|reset-password|disable|enable> [NAME] [ROLE]',
  options: {
    role: { type: 'string', value: 'ROLE', description: `Role for add: ${roles.join(', ')}` },
    password: { type: 'string', value: 'P', description: 'Password for add and reset-password' },
  },
  async run({ config, flags, positionals, io }) {
    const [sub, ...args] = positionals
    const password = typeof flags.password === 'string' ? flags.password : undefined
    return withStores(config, async ({ auth, admin }) => {
      switch (sub) {
        case 'add': {
          expectArgs(args, 1, 'user add NAME --role ROLE [--password P]')
          if (typeof flags.role !== 'string') throw new UsageError('user add needs --role')
          const result = await admin.addUser(args[0]!, flags.role, password)
          io.out(`added user ${result.user.username} (${result.user.role})\n`)
          if (result.password) io.out(`password: ${result.password}\n(shown only now)\n`)
          return 0
        }
        case 'list': {
          expectArgs(args, 0, 'user list')
          const users = await auth.users.list()
          io.out(
            table(
              ['USER', 'ROLE', 'STATUS', 'CREATED'],
              users.map((u) => [
                u.username,
                u.role,
                u.disabled ? 'disabled' : 'active',
                when(u.createdAt),
              ]),
            ),
          )
          return 0
        }
        case 'set-role': {
          expectArgs(args, 2, 'user set-role NAME ROLE')
          const user = await admin.setRole(args[0]!, args[1]!)
          io.out(`${user.username} is now ${user.role}\n`)
          return 0
        }
        case 'reset-password': {
          expectArgs(args, 1, 'user reset-password NAME [--password P]')
          const result = await admin.resetPassword(args[0]!, password)
          io.out(`password of ${result.user.username} reset; their sessions ended\n`)
          if (result.password) io.out(`password: ${result.password}\n(shown only now)\n`)
          return 0
        }
        case 'disable':
        case 'enable': {
          expectArgs(args, 1, `user ${sub} NAME`)
          const user = await admin.setDisabled(args[0]!, sub === 'disable')
          io.out(`${user.username} ${sub}d${sub === 'disable' ? '; their sessions ended' : ''}\n`)
          return 0
        }
        default:
          throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed')
      }
    })
  },
}
