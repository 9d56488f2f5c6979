/**
 * Highlighting of search matches in log messages, approximating how FTS5's unicode61 tokenizer
 * matched them: whole words, phrases across any separators, prefixes. Pure: the view renders the
 * segments as text (escaped) and `<mark>`, so a message never reaches the page as HTML.
 */
import { parseSearch } from './search.ts'

/** Segment is a run of a message, marked when it matched the search. */
export interface Segment {
  text: string
  mark: boolean
}

const wordChar = '[\\p{L}\\p{N}]'
const tokenRe = /[\p{L}\p{N}]+/gu

/**
 * highlightPattern returns the source of a `giu` regular expression matching every term of the
 * search, or undefined when the search is empty or invalid; static/logs.js uses it for live lines.
 */
export function highlightPattern(search: string | undefined): string | undefined {
  if (search === undefined || search.trim() === '') return undefined
  const parsed = parseSearch(search)
  if (!parsed.ok) return undefined
  const alternatives = new Set<string>()
  for (const term of parsed.groups.flat()) {
    const tokens = term.text.match(tokenRe)
    if (!tokens) continue
    // Tokens hold only letters and digits, so they need no escaping.
    const body = tokens.join(`[^\\p{L}\\p{N}]+`)
    // Longest terms first below, so "connection reset" wins over "connection".
    alternatives.add(`(?<!${wordChar})${body}${term.prefix ? `${wordChar}*` : `(?!${wordChar})`}`)
  }
  if (alternatives.size === 0) return undefined
  return [...alternatives].sort((a, b) => b.length - a.length).join('|')
}

/** highlight splits a message into plain and matched segments for the pattern. */
export function highlight(message: string, pattern: string | undefined): Segment[] {
  if (!pattern) return [{ text: message, mark: false }]
  const segments: Segment[] = []
  let last = 0
  for (const m of message.matchAll(new RegExp(pattern, 'giu'))) {
    if (m[0] === '') continue
    if (m.index > last) segments.push({ text: message.slice(last, m.index), mark: false })
    segments.push({ text: m[0], mark: true })
    last = m.index + m[0].length
  }
  if (last < message.length) segments.push({ text: message.slice(last), mark: false })
  return segments
}
