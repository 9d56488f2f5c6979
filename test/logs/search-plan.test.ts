import { afterEach, describe, expect, it } from 'bun:test'
import { makeApp, type TestApp } from '../helpers/app.ts'
import { get, line, post } from '../helpers/records.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

const start = Date.parse('2026-11-22T10:00:00Z')

type Page = { logs: { id: number }[]; next_cursor: string | null }

/**
 * The search checks a window of the newest candidates against the index, then the index's other
 * matches: with more lines than the window, every kind of word must page exactly like the plain
 * "all matches, ordered" query, out-of-order timestamps included.
 */
describe('search plans', () => {
  it('pages common, rare and absent-in-the-window words exactly, newest first', async () => {
    t = await makeApp({ now: () => start })
    const app = t
    const n = 12_000
    for (let b = 0; b < n; b += 4000) {
      const logs = Array.from({ length: 4000 }, (_, j) => {
        const i = b + j
        const words = [i % 2 === 0 ? 'common' : 'other', i % 997 === 0 ? 'rare' : 'filler']
        if (i < 300) words.push('old') // only in the first lines: far outside the newest window
        // Timestamps mostly rise with arrival, with ties and some lines from the past.
        const ts = start - 3600_000 + Math.floor(i / 3) * 100 - (i % 11 === 0 ? 900_000 : 0)
        return line(i % 4 === 0 ? 'web' : 'api', words.join(' '), { ts })
      })
      expect((await post(app, '/api/v1/ingest/logs', { logs })).status).toBe(200)
    }
    await app.logs.drain()
    for (const search of ['common', 'rare', 'old', 'common rare', 'comm*', 'nothing']) {
      const expected = await app.db.client.execute({
        sql: `SELECT id FROM logs WHERE service = 'api' AND id IN
          (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ?) ORDER BY ts DESC, id DESC`,
        args: [
          search.endsWith('*')
            ? `"${search.slice(0, -1)}"*`
            : search
                .split(' ')
                .map((w) => `"${w}"`)
                .join(' '),
        ],
      })
      const seen: number[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const q: URLSearchParams = new URLSearchParams({
          search,
          limit: '500',
          ...(cursor ? { cursor } : {}),
        })
        const { body }: { body: Page } = await get<Page>(app, `/api/v1/logs/api?${q}`)
        seen.push(...body.logs.map((l) => l.id))
        cursor = body.next_cursor
      } while (cursor && ++pages < 100)
      expect({ search, ids: seen }).toEqual({
        search,
        ids: expected.rows.map((r) => Number(r.id)),
      })
    }
  })
})
