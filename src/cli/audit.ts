/** `vigil audit verify`: checks the audit trail's hash chain; exits 1 naming the first broken entry. */
import type { Command } from './command.ts'
import { UsageError } from './command.ts'
import { expectArgs, withStores } from './store.ts'

/** auditCommand checks the audit trail. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the audit trail (audit verify)',
  description:
    'Subcommands:\n  verify   check every entry of the hash chain; exit 0 when intact, 1 naming the first broken entry',
  args: '<verify>',
  options: {},
  async run({ config, positionals, io }) {
    const [sub, ...args] = positionals
    if (sub !== 'verify')
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed')
    expectArgs(args, 0, 'audit verify')
    return withStores(config, async ({ audit }) => {
      const verdict = await audit.verify()
      if (verdict.ok) {
        io.out(`audit trail intact: ${verdict.count} entries, last sequence ${verdict.lastSeq}\n`)
        return 0
      }
      io.err(`audit trail broken at sequence ${verdict.seq}: ${verdict.reason}\n`)
      return 1
    })
  },
}
