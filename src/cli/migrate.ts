/** `vigil migrate`: applies the database migrations bundled with this build, or lists them. */
import { openDatabase, redactUrl } from '../db/client.ts'
import { migrate, migrationStatus } from '../db/migrate.ts'
import type { Command } from './command.ts'

/** migrateCommand brings the database schema up to date (serve does the same at start). */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply database migrations',
  description:
    'Applies the schema migrations bundled with this build to the configured database.\n' +
    '`vigil serve` applies them at start too; run this to migrate ahead of a rollout.',
  options: {
    status: { type: 'boolean', description: 'List applied and pending migrations; change nothing' },
  },
  async run({ config, flags, io }) {
    const db = await openDatabase(config.dbUrl, config.dbAuthToken)
    try {
      const where = redactUrl(config.dbUrl)
      if (flags.status) {
        const status = await migrationStatus(db.client)
        io.out(`database: ${where}\napplied: ${status.applied}\n`)
        io.out(
          status.pending.length === 0
            ? 'pending: none (up to date)\n'
            : `pending: ${status.pending.length}\n${status.pending.map((m) => `  ${m.tag}\n`).join('')}`,
        )
        return 0
      }
      const applied = await migrate(db.client)
      io.out(
        applied.length === 0
          ? `database ${where} is up to date\n`
          : `applied ${applied.length} migration(s) to ${where}:\n${applied.map((t) => `  ${t}\n`).join('')}`,
      )
      return 0
    } finally {
      db.close()
    }
  },
}
