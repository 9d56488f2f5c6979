/**
 * The opaque cursor of newest-first pages over (ts desc, id desc). It carries the last row shown
 * and the largest id that existed when the first page was read: later pages see only rows up to
 * that id, so rows stored meanwhile (even with older timestamps) are neither shown nor shift the
 * pages, and no row is skipped or repeated. Pure.
 */
import { Buffer } from 'node:buffer'

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
