import { afterEach, describe, expect, it } from 'bun:test'
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import {
  busyTimeoutMs,
  openDatabase,
  synchronousLevel,
  type Database,
} from '../../src/db/client.ts'
import { embeddedMigrations } from '../../src/db/embedded-migrations.ts'
import { bundledMigrations, migrate, migrationStatus } from '../../src/db/migrate.ts'
import { tempDir } from '../helpers/app.ts'

let db: Database | undefined
let dir: string | undefined
afterEach(() => {
  db?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  db = undefined
})

async function fresh(): Promise<Database> {
  dir = tempDir()
  db = await openDatabase(`file:${join(dir, 'nested', 'vigil.db')}`)
  return db
}

describe('migrate', () => {
  it('migrate() creates every table on a fresh file and records each migration', async () => {
    const d = await fresh()
    expect((await migrationStatus(d.client)).pending).toHaveLength(bundledMigrations().length)
    const applied = await migrate(d.client)
    expect(applied).toEqual(embeddedMigrations.journal.entries.map((e) => e.tag))
    const tables = await d.client.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    expect(tables.rows.map((r) => r.name)).toContain('meta')
    const status = await migrationStatus(d.client)
    expect(status.pending).toEqual([])
    expect(status.applied).toBe(applied.length)
  })

  it('migrate() is a no-op the second time', async () => {
    const d = await fresh()
    await migrate(d.client)
    expect(await migrate(d.client)).toEqual([])
    const rows = await d.client.execute('SELECT count(*) AS n FROM __drizzle_migrations')
    expect(Number(rows.rows[0]!.n)).toBe(bundledMigrations().length)
  })

  it('migrate() records the same hash as drizzle-kit (sha256 of the SQL file)', async () => {
    const d = await fresh()
    await migrate(d.client)
    const rows = await d.client.execute('SELECT hash FROM __drizzle_migrations ORDER BY created_at')
    const sql = embeddedMigrations.sql[embeddedMigrations.journal.entries[0]!.tag]!
    const expected = new Bun.CryptoHasher('sha256').update(sql).digest('hex')
    expect(rows.rows[0]!.hash).toBe(expected)
  })

  it('embedded migrations match the files in migrations/ (run `npm run db:generate`)', () => {
    const onDisk = readdirSync(join(import.meta.dir, '../../migrations'))
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.replace(/\.sql$/, ''))
      .sort()
    expect(Object.keys(embeddedMigrations.sql).sort()).toEqual(onDisk)
  })
})

describe('client', () => {
  it('openDatabase() creates the directory and turns on WAL', async () => {
    const d = await fresh()
    const mode = await d.client.execute('PRAGMA journal_mode')
    expect(mode.rows[0]!.journal_mode).toBe('wal')
    // Incremental auto-vacuum (2), so freed pages can go back to the file system.
    expect((await d.client.execute('PRAGMA auto_vacuum')).rows[0]!.auto_vacuum).toBe(2)
  })

  it('openDatabase() gives every pooled connection the busy timeout and synchronous level', async () => {
    const d = await fresh()
    await migrate(d.client)
    // Four open transactions hold four distinct connections of the pool at once.
    const txs = await Promise.all([1, 2, 3, 4].map(() => d.client.transaction('read')))
    for (const tx of txs) {
      expect((await tx.execute('PRAGMA synchronous')).rows[0]!.synchronous).toBe(synchronousLevel)
      expect((await tx.execute('PRAGMA busy_timeout')).rows[0]!.timeout).toBe(busyTimeoutMs)
    }
    for (const tx of txs) tx.close()
  })

  it('sizeBytes() grows as data is written', async () => {
    const d = await fresh()
    await migrate(d.client)
    const before = await d.sizeBytes()
    expect(before).toBeGreaterThan(0)
    const big = 'x'.repeat(4000)
    await d.client.batch(
      Array.from({ length: 50 }, (_, i) => ({
        sql: 'INSERT INTO meta (key, value, updated_at) VALUES (?, ?, 0)',
        args: [`k${i}`, big],
      })),
      'write',
    )
    expect(await d.sizeBytes()).toBeGreaterThan(before + 150_000)
  })

  it('openDatabase() fails with a message naming the URL when it cannot open', async () => {
    await expect(openDatabase('file:/proc/no/vigil.db')).rejects.toThrow(
      /^cannot open database file:\/proc\/no\/vigil\.db: /,
    )
  })
})

describe('free pages', () => {
  it('releaseFreePages() gives deleted space back, and writes still commit after it', async () => {
    const d = await fresh()
    await migrate(d.client)
    const blob = new Uint8Array(100_000)
    await d.client.batch(
      Array.from({ length: 100 }, () => ({
        sql: 'INSERT INTO metric_wal (data, samples, created_at) VALUES (?, 0, 0)',
        args: [blob],
      })),
      'write',
    )
    await d.client.execute('DELETE FROM metric_wal')
    const free = async () =>
      Number((await d.client.execute('PRAGMA freelist_count')).rows[0]!.freelist_count)
    expect(await free()).toBeGreaterThan(2000)
    await d.releaseFreePages()
    expect(await free()).toBe(0)
    // Every pooled connection can still commit.
    await Promise.all(
      [1, 2, 3, 4].map((i) =>
        d.client.batch(
          [
            {
              sql: 'INSERT INTO meta (key, value, updated_at) VALUES (?, ?, 0)',
              args: [`k${i}`, 'v'],
            },
          ],
          'write',
        ),
      ),
    )
  })
})
