import { describe, expect, test } from 'bun:test'
import { matcher, parseSearch, toFtsQuery } from '../../src/logs/search.ts'

describe('search', () => {
  test.each([
    ['timeout', '"timeout"'],
    ['connection reset', '"connection" "reset"'],
    ['"connection reset"', '"connection reset"'],
    ['time*', '"time"*'],
    ['"conn res"*', '"conn res"*'],
    ['a OR b c', '"a" OR "b" "c"'],
    ['user-id', '"user-id"'],
    ['AND NOT', '"AND" "NOT"'],
  ])('parseSearch(%p) writes the FTS5 query %p', (input, fts) => {
    const parsed = parseSearch(input)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) expect(toFtsQuery(parsed.groups)).toBe(fts)
  })

  test.each([
    ['"unbalanced', 'unbalanced quote'],
    ['OR', 'OR needs a term'],
    ['a OR', 'OR needs a term'],
    ['a OR OR b', 'OR needs a term'],
    ['*', 'no letter or digit'],
    ['(', 'no letter or digit'],
    ['a*b', '* may only end'],
    ['   ', 'no terms'],
  ])('parseSearch(%p) refuses with a message containing %p', (input, message) => {
    const parsed = parseSearch(input)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.message).toContain(message)
  })

  test.each([
    ['timeout', 'Request TIMEOUT after 5s', true],
    ['timeout db', 'timeout talking to db', true],
    ['timeout db', 'timeout talking to cache', false],
    ['"talking to"', 'timeout talking to db', true],
    ['cache OR db', 'timeout talking to db', true],
    ['time*', 'timeouts', true],
  ])('matcher(%p) on %p returns %p', (search, message, expected) => {
    const parsed = parseSearch(search)
    if (!parsed.ok) throw new Error(parsed.message)
    expect(matcher(parsed.groups)(message)).toBe(expected)
  })
})
