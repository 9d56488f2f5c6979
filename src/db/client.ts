/**
 * Opens the libSQL database: an embedded `file:` database (the default) or a remote `libsql://`
 * server, with WAL, busy timeout and a synchronous level that holds on every pooled connection.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { createClient, type Client } from '@libsql/client'
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql'
import { UpstreamError } from '../errors.ts'
import * as schema from './schema.ts'

/** Database is an open database: the raw client, the drizzle handle and a few facts about it. */
export interface Database {
  client: Client
  orm: LibSQLDatabase<typeof schema>
  url: string
  embedded: boolean
  sizeBytes(): Promise<number>
  /** releaseFreePages hands free pages back to the file system (files made with auto-vacuum). */
  releaseFreePages(): Promise<void>
  close(): void
}

/** busyTimeoutMs is how long a writer waits for the lock before SQLITE_BUSY. */
export const busyTimeoutMs = 5000

/**
 * synchronousLevel is FULL (2): an acknowledged write is on disk even after a power cut. libSQL
 * opens every pooled connection at FULL in WAL mode, and SQLite refuses to change the level inside
 * a transaction, so we set it at open and test that every pooled connection reports it.
 */
export const synchronousLevel = 2

/** openDatabase opens (and for `file:` URLs creates) the database at `url`. */
export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const embedded = url.startsWith('file:')
  let client: Client
  try {
    if (embedded) {
      const path = filePath(url)
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    }
    client = createClient({ url, authToken, timeout: busyTimeoutMs, concurrency: 8 })
    if (embedded) {
      // A new file gets incremental auto-vacuum, so pages freed by WAL-table and retention
      // deletes can be handed back to the file system (it can only be chosen before any table).
      const tables = await client.execute(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'",
      )
      if (Number(tables.rows[0]?.n ?? 0) === 0)
        await client.execute('PRAGMA auto_vacuum = INCREMENTAL')
      await client.execute('PRAGMA journal_mode = WAL')
      await client.execute(`PRAGMA synchronous = ${synchronousLevel}`)
      await client.execute('PRAGMA foreign_keys = ON')
    } else {
      await client.execute('SELECT 1')
    }
  } catch (err) {
    throw new UpstreamError(`cannot open database ${redactUrl(url)}: ${(err as Error).message}`, {
      code: 'database_unavailable',
      cause: err,
    })
  }
  return {
    client,
    orm: drizzle(client, { schema }),
    url,
    embedded,
    async sizeBytes() {
      const rows = await client.execute(
        'SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()',
      )
      return Number(rows.rows[0]?.size ?? 0)
    },
    async releaseFreePages() {
      if (!embedded) return
      // executeMultiple, not execute: `execute` steps a statement without result rows once,
      // which frees a single page and leaves the statement open on its pooled connection (whose
      // next commit then fails). The passive checkpoint lets the file actually shrink.
      await client.executeMultiple('PRAGMA incremental_vacuum; PRAGMA wal_checkpoint(PASSIVE);')
    },
    close: () => client.close(),
  }
}

/** filePath returns the path part of a `file:` URL. */
export function filePath(url: string): string {
  return decodeURIComponent(url.replace(/^file:(\/\/)?/, '').replace(/\?.*$/, ''))
}

/** redactUrl hides credentials in a database URL. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@').replace(/([?&]authToken=)[^&]*/, '$1***')
}
