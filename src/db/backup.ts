/**
 * Backup and restore of an embedded database file. A backup is one `VACUUM INTO` (a read
 * transaction, so a consistent, compacted snapshot that never blocks the running server's writers),
 * checked before it takes its final name. A restore checks the backup, refuses while any process
 * has the target open, and swaps the file in by rename.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { dirname } from 'node:path'
import { createClient, type Client } from '@libsql/client'
import { bundledMigrations } from './migrate.ts'

/** SchemaVersion is what a database's migrations table says about it. */
export interface SchemaVersion {
  applied: number
  /** lastCreatedAt is the newest applied migration's `created_at` (undefined when none). */
  lastCreatedAt: number | undefined
  /** tag names the newest applied migration when this build knows it. */
  tag: string | undefined
}

/** BackupCheck is the verdict on a database file: fine, or why not. */
export type BackupCheck =
  { ok: true; schema: SchemaVersion; tables: number } | { ok: false; reason: string }

/** BackupResult describes a written backup. */
export interface BackupResult {
  bytes: number
  tables: number
  ms: number
  schema: SchemaVersion
}

/** BackupError says a backup or restore was refused or failed; the message is for the user. */
export class BackupError extends Error {
  override name = 'BackupError'
}

const migrationsTable = '__drizzle_migrations'

/** schemaVersion reads the migrations table, or returns undefined when there is none. */
export async function schemaVersion(client: Client): Promise<SchemaVersion | undefined> {
  const exists = await client.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [migrationsTable],
  })
  if (exists.rows.length === 0) return undefined
  const row = (
    await client.execute(`SELECT count(*) AS n, max(created_at) AS last FROM ${migrationsTable}`)
  ).rows[0]
  const last = row?.last === null || row?.last === undefined ? undefined : Number(row.last)
  return {
    applied: Number(row?.n ?? 0),
    lastCreatedAt: last,
    tag: bundledMigrations().find((m) => m.createdAt === last)?.tag,
  }
}

/** describeSchema renders a schema version for people. */
export function describeSchema(schema: SchemaVersion): string {
  return `${schema.applied} migration(s), latest ${schema.tag ?? `created_at ${schema.lastCreatedAt ?? 'none'}`}`
}

/** checkDatabaseFile opens `path` and checks it is an intact vigil database this build can run. */
export async function checkDatabaseFile(path: string): Promise<BackupCheck> {
  if (!existsSync(path)) return { ok: false, reason: `${path} does not exist` }
  if (!statSync(path).isFile()) return { ok: false, reason: `${path} is not a file` }
  const client = createClient({ url: `file:${path}` })
  try {
    const integrity = await client.execute('PRAGMA integrity_check')
    const verdict = String(integrity.rows[0]?.[0] ?? '')
    if (verdict !== 'ok') return { ok: false, reason: `integrity_check failed: ${verdict}` }
    const schema = await schemaVersion(client)
    if (!schema || schema.applied === 0)
      return { ok: false, reason: `${path} has no ${migrationsTable} table: not a vigil database` }
    const latest = bundledMigrations().at(-1)?.createdAt ?? 0
    if ((schema.lastCreatedAt ?? 0) > latest)
      return {
        ok: false,
        reason:
          'this backup was made by a newer vigil (its schema has migrations this build does not ' +
          'know); restore it with that version or a later one',
      }
    const tables = await client.execute(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'",
    )
    return { ok: true, schema, tables: Number(tables.rows[0]?.n ?? 0) }
  } catch (err) {
    return {
      ok: false,
      reason: `${path} is not a readable SQLite database: ${(err as Error).message}`,
    }
  } finally {
    client.close()
  }
}

/**
 * backupDatabase writes a snapshot of the open database to `output` (via `output.tmp`, checked,
 * fsynced, renamed), refusing to replace an existing file unless `force`.
 */
export async function backupDatabase(
  client: Client,
  output: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  if (existsSync(output) && !options.force)
    throw new BackupError(`${output} exists; pass --force to overwrite it`)
  const started = performance.now()
  const source = await schemaVersion(client)
  const tmp = `${output}.tmp`
  rmSync(tmp, { force: true })
  try {
    // One statement, one read transaction: the copy is the database as of its start.
    await client.execute({ sql: 'VACUUM INTO ?', args: [tmp] })
    fsyncPath(tmp)
    const check = await checkDatabaseFile(tmp)
    if (!check.ok) throw new BackupError(`the copy failed its check: ${check.reason}`)
    // Migrations run only at start-up, so the copy must carry exactly the source's.
    if (
      check.schema.applied !== source?.applied ||
      check.schema.lastCreatedAt !== source.lastCreatedAt
    )
      throw new BackupError("the copy's migrations table does not match the database's")
    renameSync(tmp, output)
    fsyncPath(dirname(output))
    return {
      bytes: statSync(output).size,
      tables: check.tables,
      ms: performance.now() - started,
      schema: check.schema,
    }
  } finally {
    rmSync(tmp, { force: true })
  }
}

/**
 * databaseInUse says which process has the database file at `path` open, or undefined when none:
 * an exclusive lock fails while any connection is open (in WAL mode every connection keeps a
 * shared lock on the file), and a live row in `leases` names a server that may hold it.
 */
export async function databaseInUse(path: string, leaseName: string): Promise<string | undefined> {
  if (!existsSync(path)) return undefined
  const probe = createClient({ url: `file:${path}`, timeout: 200 })
  try {
    try {
      await probe.executeMultiple(
        'PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT; PRAGMA locking_mode = NORMAL; SELECT count(*) FROM sqlite_master;',
      )
    } catch (err) {
      return `another process has ${path} open (${(err as Error).message}); stop vigil first`
    }
    const hasLeases = await probe.execute(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leases'",
    )
    if (hasLeases.rows.length === 0) return undefined
    const live = await probe.execute({
      sql: `SELECT holder, expires_at - CAST(unixepoch('subsec') * 1000 AS INTEGER) AS left_ms
            FROM leases WHERE name = ? AND holder <> ''
              AND expires_at > CAST(unixepoch('subsec') * 1000 AS INTEGER)`,
      args: [leaseName],
    })
    const row = live.rows[0]
    if (!row) return undefined
    return (
      `vigil ${String(row.holder)} holds the leader lease ${leaseName} for another ` +
      `${Math.ceil(Number(row.left_ms) / 1000)} s; stop it (or, if it is gone, wait for the lease to expire)`
    )
  } finally {
    probe.close()
  }
}

/**
 * replaceDatabaseFile puts a copy of `input` in place of the database at `target` atomically:
 * VACUUM INTO `target.tmp` (which also takes in a -wal file beside the input), fsync, rename.
 */
export async function replaceDatabaseFile(input: string, target: string): Promise<void> {
  mkdirSync(dirname(target), { recursive: true })
  const tmp = `${target}.tmp`
  rmSync(tmp, { force: true })
  const client = createClient({ url: `file:${input}` })
  try {
    await client.execute({ sql: 'VACUUM INTO ?', args: [tmp] })
  } finally {
    client.close()
  }
  fsyncPath(tmp)
  // A WAL left beside the old file would be replayed into the new one.
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true })
  renameSync(tmp, target)
  fsyncPath(dirname(target))
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
