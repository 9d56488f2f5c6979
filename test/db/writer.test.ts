import { afterEach, describe, expect, it } from 'bun:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/client.ts'
import { migrate } from '../../src/db/migrate.ts'
import { Lock, workerWriter, type Writer } from '../../src/db/writer.ts'

let writer: Writer | undefined
afterEach(async () => {
  await writer?.close()
  writer = undefined
})

describe('Lock', () => {
  it('runs one holder at a time, urgent waiters before the others', async () => {
    const lock = new Lock()
    const order: string[] = []
    let release!: () => void
    const first = lock.run(() =>
      new Promise<void>((r) => (release = r)).then(() => order.push('a')),
    )
    const later = [
      lock.run(async () => order.push('b')),
      lock.run(async () => order.push('c'), true),
      lock.run(async () => order.push('d')),
      lock.run(async () => order.push('e'), true),
    ]
    release()
    await Promise.all([first, ...later])
    expect(order).toEqual(['a', 'c', 'e', 'b', 'd'])
    // A failing holder passes the turn on.
    await expect(lock.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x')
    expect(await lock.run(async () => 1)).toBe(1)
  })
})

describe('workerWriter', () => {
  it('runs write batches on its own connection, at synchronous FULL, visible to the main one', async () => {
    const url = `file:${join(mkdtempSync(join(tmpdir(), 'vigil-writer-')), 'w.db')}`
    const db = await openDatabase(url)
    await migrate(db.client)
    db.close()
    const main = await openDatabase(url)
    writer = workerWriter(url)
    const [sync] = await writer.batch(['PRAGMA synchronous'])
    expect(sync!.rows).toEqual([{ synchronous: 2 }])
    const results = await writer.batch([
      "INSERT INTO log_services (service, lines, last_seen) VALUES ('a', 1, 5)",
      'SELECT service, lines FROM log_services',
    ])
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 0])
    expect(results[1]!.rows).toEqual([{ service: 'a', lines: 1 }])
    const seen = await main.client.execute('SELECT count(*) AS n FROM log_services')
    expect(Number(seen.rows[0]!.n)).toBe(1)
    // A failing batch rolls back as a whole and says why.
    const failed = await writer
      .batch(["INSERT INTO log_services VALUES ('b', 1, 1)", 'SELECT * FROM nope'])
      .then(
        () => 'resolved',
        (err: Error) => err.message,
      )
    expect(failed).toMatch(/nope/)
    const after = await main.client.execute('SELECT count(*) AS n FROM log_services')
    expect(Number(after.rows[0]!.n)).toBe(1)
    main.close()
  })
})
