/** `vigil token`: create, list and revoke API tokens, audited as the CLI. */
import { permissions } from '../auth/permissions.ts'
import { formatTime as when } from '../units.ts'
import type { Command } from './command.ts'
import { UsageError } from './command.ts'
import { expectArgs, table, withStores } from './store.ts'

/** tokenCommand manages API tokens for agents and scripts. */
export const tokenCommand: Command = {
  name: 'token',
  summary: 'Manage API tokens (create, list, revoke)',
  description: [
    'Subcommands:',
    '  create --name N --scopes a,b [--expires 30d]   create a token; it is printed once (vgl_…)',
    '  list                                           list tokens (never the tokens themselves)',
    '  revoke NAME                                    revoke a token at once',
    '',
    `Scopes: ${permissions.join(', ')}.`,
  ].join('\n'),
  args: '<create|list|revoke> [NAME]',
  options: {
    name: { type: 'string', value: 'N', description: 'Name of the new token (unique)' },
    scopes: {
      type: 'string',
      value: 'a,b',
      description: 'Comma-separated scopes, e.g. ingest:write',
    },
    expires: {
      type: 'string',
      value: 'D',
      description: 'Lifetime (30d, 12h) or an RFC 3339 time; default never',
    },
  },
  async run({ config, flags, positionals, io }) {
    const [sub, ...args] = positionals
    return withStores(config, async ({ auth, admin, now }) => {
      switch (sub) {
        case 'create': {
          expectArgs(args, 0, 'token create --name N --scopes a,b [--expires 30d]')
          if (typeof flags.name !== 'string') throw new UsageError('token create needs --name')
          if (typeof flags.scopes !== 'string') throw new UsageError('token create needs --scopes')
          const scopes = flags.scopes
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
          const expires = typeof flags.expires === 'string' ? flags.expires : undefined
          const { token, record } = await admin.createToken(flags.name, scopes, expires, now())
          io.out(`${token}\n`)
          io.err(
            `created token ${record.name} (${record.scopes.join(', ')}; expires ${when(record.expiresAt)}); ` +
              'it is shown only now\n',
          )
          return 0
        }
        case 'list': {
          expectArgs(args, 0, 'token list')
          const tokens = await auth.tokens.list()
          io.out(
            table(
              ['NAME', 'PREFIX', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED', 'STATUS'],
              tokens.map((t) => [
                t.name,
                t.prefix,
                t.scopes.join(','),
                when(t.createdAt),
                when(t.expiresAt),
                when(t.lastUsedAt),
                t.revokedAt !== null
                  ? 'revoked'
                  : t.expiresAt !== null && t.expiresAt <= now()
                    ? 'expired'
                    : 'active',
              ]),
            ),
          )
          return 0
        }
        case 'revoke': {
          expectArgs(args, 1, 'token revoke NAME')
          const token = await admin.revokeToken(args[0]!)
          io.out(`revoked ${token.name}\n`)
          return 0
        }
        default:
          throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed')
      }
    })
  },
}
