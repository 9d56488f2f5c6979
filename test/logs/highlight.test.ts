import { describe, expect, it } from 'bun:test'
import { highlight, highlightPattern } from '../../src/logs/highlight.ts'

/** marks renders the segments with [brackets] around the matches, to read the table easily. */
function marks(message: string, search: string): string {
  return highlight(message, highlightPattern(search))
    .map((s) => (s.mark ? `[${s.text}]` : s.text))
    .join('')
}

describe('highlight', () => {
  it.each([
    ['payment timeout', 'timeout', 'payment [timeout]'],
    ['Timeout, TIMEOUT and timeouts', 'timeout', '[Timeout], [TIMEOUT] and timeouts'],
    ['timeouts and timeout', 'timeout*', '[timeouts] and [timeout]'],
    ['connection reset by peer', '"connection reset"', '[connection reset] by peer'],
    ['connection-reset by peer', '"connection reset"', '[connection-reset] by peer'],
    ['connection was reset', '"connection reset"', 'connection was reset'],
    ['db down or cache down', 'db OR cache', '[db] down or [cache] down'],
    ['a <script> tag', 'script', 'a <[script]> tag'],
    ['café crème', 'crème', 'café [crème]'],
    ['x.y?z', 'y?', 'x.[y]?z'],
  ])('highlight(%j) for %j marks %j', (message, search, expected) => {
    expect(marks(message, search)).toBe(expected)
  })

  it('highlightPattern() returns undefined for an empty or invalid search', () => {
    expect(highlightPattern(undefined)).toBeUndefined()
    expect(highlightPattern('  ')).toBeUndefined()
    expect(highlightPattern('"unclosed')).toBeUndefined()
  })

  it('highlight() without a pattern returns the message as one plain segment', () => {
    expect(highlight('<b>x</b>', undefined)).toEqual([{ text: '<b>x</b>', mark: false }])
  })

  it('highlightPattern() prefers the longer term where terms overlap', () => {
    expect(marks('connection reset now', 'connection "connection reset"')).toBe(
      '[connection reset] now',
    )
  })
})
