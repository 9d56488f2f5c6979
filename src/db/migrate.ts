/**
 * Applies the migrations embedded in the binary, compatible with drizzle's own migrator (same
 * `__drizzle_migrations` table, hashes and "newer than the last applied" rule), in one write batch.
 */
import { createHash } from 'node:crypto'
import type { Client } from '@libsql/client'
import { embeddedMigrations } from './embedded-migrations.ts'

/** Migration is one journal entry with its SQL split at drizzle's statement breakpoints. */
export interface Migration {
  tag: string
  createdAt: number
  hash: string
  statements: string[]
}

/** MigrationStatus says what is applied and what is still to run. */
export interface MigrationStatus {
  applied: number
  pending: Migration[]
  latest: string | undefined
}

const table = '__drizzle_migrations'

/** bundledMigrations returns the migrations shipped with this build, oldest first. */
export function bundledMigrations(): Migration[] {
  return embeddedMigrations.journal.entries.map((entry) => {
    const sql = embeddedMigrations.sql[entry.tag]
    if (sql === undefined)
      throw new Error(`migration ${entry.tag} is in the journal but not embedded`)
    return {
      tag: entry.tag,
      createdAt: entry.when,
      hash: createHash('sha256').update(sql).digest('hex'),
      statements: sql
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    }
  })
}

/** migrationStatus reads which of the bundled migrations the database still lacks. */
export async function migrationStatus(
  client: Client,
  migrations: Migration[] = bundledMigrations(),
): Promise<MigrationStatus> {
  const exists = await client.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [table],
  })
  let last = -Infinity
  let applied = 0
  if (exists.rows.length > 0) {
    const rows = await client.execute(`SELECT count(*) AS n, max(created_at) AS last FROM ${table}`)
    applied = Number(rows.rows[0]?.n ?? 0)
    if (rows.rows[0]?.last !== null && rows.rows[0]?.last !== undefined)
      last = Number(rows.rows[0].last)
  }
  return {
    applied,
    pending: migrations.filter((m) => m.createdAt > last),
    latest: migrations.at(-1)?.tag,
  }
}

/** migrate applies every pending migration in one transaction and returns their tags. */
export async function migrate(
  client: Client,
  migrations: Migration[] = bundledMigrations(),
): Promise<string[]> {
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${table} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
  )
  const { pending } = await migrationStatus(client, migrations)
  if (pending.length === 0) return []
  const statements = pending.flatMap((m) => [
    ...m.statements.map((sql) => ({ sql, args: [] })),
    {
      sql: `INSERT INTO ${table} ("hash", "created_at") VALUES (?, ?)`,
      args: [m.hash, m.createdAt],
    },
  ])
  await client.batch(statements, 'write')
  return pending.map((m) => m.tag)
}
