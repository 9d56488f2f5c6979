/** `vigil backup` and `vigil restore`: a consistent copy of the embedded database, and putting one back. */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  backupDatabase,
  BackupError,
  checkDatabaseFile,
  databaseInUse,
  describeSchema,
  replaceDatabaseFile,
} from '../db/backup.ts'
import { filePath, openDatabase, redactUrl } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { formatBytes, formatDuration } from '../units.ts'
import { UsageError, type CommandIO } from './command.ts'
import type { Command } from './command.ts'

// VACUUM INTO on a server would write its file on the server's host, not here.
const remoteMessage =
  "is a libSQL server database; backing it up is the server's job (sqld snapshots or its " +
  'bottomless replication): vigil backup and restore work on embedded file: databases only'

function embeddedPath(url: string, io: CommandIO, command: string): string | undefined {
  const path = url.startsWith('file:') ? filePath(url) : undefined
  if (path === undefined) io.err(`vigil ${command}: ${redactUrl(url)} ${remoteMessage}\n`)
  else if (path === ':memory:') io.err(`vigil ${command}: an in-memory database has no file\n`)
  else return path
  return undefined
}

/** backupCommand writes a consistent copy of the database, also while vigil is running. */
export const backupCommand: Command = {
  name: 'backup',
  summary: 'Write a consistent copy of the database (also while vigil runs)',
  description:
    'Writes a snapshot of the embedded database to --output with VACUUM INTO: consistent as of\n' +
    'the moment it starts (every write acknowledged before then is in it), compacted, and safe to\n' +
    'run while `vigil serve` is writing. The copy goes to FILE.tmp, passes integrity_check and a\n' +
    'migrations check, is fsynced and then renamed to FILE. Exits 2 for a libsql:// server database.',
  options: {
    output: { type: 'string', short: 'o', value: 'FILE', description: 'Where to write the backup' },
    force: { type: 'boolean', description: 'Overwrite FILE if it exists' },
  },
  async run({ config, flags, io }) {
    if (typeof flags.output !== 'string' || flags.output === '')
      throw new UsageError('--output FILE is required')
    const path = embeddedPath(config.dbUrl, io, 'backup')
    if (path === undefined) return 2
    if (!existsSync(path)) {
      io.err(`vigil backup: there is no database at ${path}\n`)
      return 1
    }
    const output = resolve(flags.output)
    const db = await openDatabase(config.dbUrl, config.dbAuthToken)
    try {
      const result = await backupDatabase(db.client, output, { force: flags.force === true })
      io.out(
        `backup written to ${output}: ${formatBytes(result.bytes)}, ${result.tables} tables, ` +
          `${formatDuration(Math.round(result.ms))}\nintegrity_check ok; schema ${describeSchema(result.schema)}\n`,
      )
      return 0
    } catch (err) {
      if (!(err instanceof BackupError)) throw err
      io.err(`vigil backup: ${err.message}\n`)
      return 1
    } finally {
      db.close()
    }
  },
}

/** restoreCommand puts a backup in place of the (stopped) server's database and migrates it. */
export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Replace the database with a backup (vigil must be stopped)',
  description:
    "Replaces the embedded database with --input, then applies this build's migrations to it (an\n" +
    "older backup is migrated forward). The backup must pass integrity_check, carry vigil's\n" +
    'migrations table and be no newer than this build. Refuses while any process has the database\n' +
    'open or a live leader lease is recorded in it. There is no --force for this check: replacing\n' +
    'the file under a running server would lose its writes and could corrupt what it writes next.\n' +
    'The file is swapped in by rename (after removing the old -wal and -shm files).',
  options: {
    input: { type: 'string', short: 'i', value: 'FILE', description: 'The backup to restore' },
  },
  async run({ config, flags, io }) {
    if (typeof flags.input !== 'string' || flags.input === '')
      throw new UsageError('--input FILE is required')
    const target = embeddedPath(config.dbUrl, io, 'restore')
    if (target === undefined) return 2
    const input = resolve(flags.input)
    if (resolve(target) === input) {
      io.err('vigil restore: the input is the database itself\n')
      return 1
    }
    const check = await checkDatabaseFile(input)
    if (!check.ok) {
      io.err(`vigil restore: refusing ${input}: ${check.reason}\n`)
      return 1
    }
    const inUse = await databaseInUse(target, config.leader.leaseName)
    if (inUse !== undefined) {
      io.err(`vigil restore: refusing while the database is in use: ${inUse}\n`)
      return 1
    }
    await replaceDatabaseFile(input, target)
    const db = await openDatabase(config.dbUrl, config.dbAuthToken)
    try {
      const applied = await migrate(db.client)
      // Into the file itself: this process still holds the old file's lock probe, and SQLite
      // names a WAL by path, so nothing of the new database should wait in one when it exits.
      await db.client.execute('PRAGMA wal_checkpoint(TRUNCATE)')
      io.out(
        `restored ${input} to ${target} (schema ${describeSchema(check.schema)})\n` +
          (applied.length === 0
            ? 'no migrations needed\n'
            : `applied ${applied.length} migration(s):\n${applied.map((t) => `  ${t}\n`).join('')}`),
      )
      return 0
    } finally {
      db.close()
    }
  },
}
