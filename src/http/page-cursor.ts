/**
 * The opaque cursor of newest-first pages over (ts desc, id desc). It carries the last row shown
 * and the largest id that existed when the first page was read: later pages see only rows up to
 * that id, so rows stored meanwhile (even with older timestamps) are neither shown nor shift the
 * pages, and no row is skipped or repeated. Pure.
 */
import { Buffer } from 'node:buffer'
import { ValidationError } from '../errors.ts'

/** PageCursor is the position after the last row of a page, within the first page's snapshot. */
export interface PageCursor {
  ts: number
  id: number
  snapshot: number
}

/** encodeCursor writes a cursor as an opaque URL-safe string. */
export function encodeCursor(c: PageCursor): string {
  return Buffer.from(`${c.ts}.${c.id}.${c.snapshot}`).toString('base64url')
}

/** decodeCursor reads a cursor written by `encodeCursor`; undefined when it is not one. */
export function decodeCursor(text: string): PageCursor | undefined {
  if (text.length > 100) return undefined
  const parts = Buffer.from(text, 'base64url').toString('utf8').split('.')
  if (parts.length !== 3 || !parts.every((p) => /^-?\d{1,16}$/.test(p))) return undefined
  const [ts, id, snapshot] = parts.map(Number) as [number, number, number]
  if (id < 0 || snapshot < id) return undefined
  return { ts, id, snapshot }
}

/** readCursor decodes the `cursor` parameter if given; one that is not ours is a 400. */
export function readCursor(text: string | undefined): PageCursor | undefined {
  if (text === undefined) return undefined
  const cursor = decodeCursor(text)
  if (!cursor) {
    throw new ValidationError('cursor: must be a next_cursor from a previous page', {
      code: 'invalid_cursor',
    })
  }
  return cursor
}

/**
 * pageOf turns the rows read with `limit + 1` into a page: at most `limit` rows, whether more
 * follow, and the cursor after the last one within `snapshot`.
 */
export function pageOf<T extends { ts: number; id: number }>(
  rows: T[],
  limit: number,
  snapshot: number,
): { rows: T[]; has_more: boolean; next_cursor: string | null } {
  const hasMore = rows.length > limit
  if (hasMore) rows.pop()
  const last = rows.at(-1)
  return {
    rows,
    has_more: hasMore,
    next_cursor: hasMore && last ? encodeCursor({ ts: last.ts, id: last.id, snapshot }) : null,
  }
}

/**
 * pageWindow reads what a dashboard list page pages by: the start of its window and the cursor.
 * "Load older" pins the start the first page had (`start`), so the window does not slide while
 * paging; without it the window is `now` minus the chosen range.
 */
export function pageWindow(
  query: { start?: string | undefined; cursor?: string | undefined },
  rangeMs: number,
  now: number,
): { start: number; cursor: string | undefined } {
  const pinned = /^\d{1,15}$/.test(query.start ?? '') ? Number(query.start) : undefined
  return {
    start: pinned ?? now - rangeMs,
    cursor: query.cursor ? query.cursor.slice(0, 100) : undefined,
  }
}
