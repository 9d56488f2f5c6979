/**
 * The log search language and its two evaluators: `toFtsQuery` writes it as an FTS5 MATCH
 * expression (every term quoted, so no user input reaches FTS5's own syntax), and `matcher` checks
 * a line in memory for the live tail. Pure.
 *
 * The language: words (all must occur), "quoted phrases", prefix* terms, and OR between groups
 * (`timeout OR "connection reset" db*` is `timeout OR ("connection reset" AND db*)`).
 */

/** Term is one word, phrase or prefix of a search. */
export interface Term {
  text: string
  prefix: boolean
}

/** ParsedSearch is a search as OR-groups of AND-terms, or why it is not one. */
export type ParsedSearch = { ok: true; groups: Term[][] } | { ok: false; message: string }

const maxTerms = 32
const wordRe = /[\p{L}\p{N}]/u

/** parseSearch reads the search language; it never throws. */
export function parseSearch(input: string): ParsedSearch {
  const groups: Term[][] = [[]]
  let i = 0
  let terms = 0
  let lastWasOr = false
  const fail = (message: string): ParsedSearch => ({ ok: false, message })
  while (i < input.length) {
    const c = input[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    let text: string
    if (c === '"') {
      const end = input.indexOf('"', i + 1)
      if (end < 0) return fail(`unbalanced quote at offset ${i}`)
      text = input.slice(i + 1, end)
      i = end + 1
    } else {
      const start = i
      while (i < input.length && !/\s/.test(input[i]!) && input[i] !== '"') i++
      text = input.slice(start, i)
      if (text === 'OR') {
        if (lastWasOr || groups.at(-1)!.length === 0) return fail('OR needs a term on each side')
        groups.push([])
        lastWasOr = true
        continue
      }
    }
    let prefix = false
    if (input[i] === '*') {
      prefix = true
      i++
    } else if (text.endsWith('*')) {
      prefix = true
      text = text.slice(0, -1)
    }
    if (text.includes('*')) return fail(`* may only end a term, in ${JSON.stringify(text)}`)
    if (!wordRe.test(text)) return fail(`${JSON.stringify(text)} has no letter or digit to search`)
    if (++terms > maxTerms) return fail(`at most ${maxTerms} terms`)
    groups.at(-1)!.push({ text, prefix })
    lastWasOr = false
  }
  if (lastWasOr) return fail('OR needs a term on each side')
  if (terms === 0) return fail('the search has no terms')
  return { ok: true, groups }
}

/** toFtsQuery writes parsed groups as an FTS5 MATCH expression. */
export function toFtsQuery(groups: Term[][]): string {
  return groups
    .map((g) => g.map((t) => `"${t.text.replaceAll('"', '""')}"${t.prefix ? '*' : ''}`).join(' '))
    .join(' OR ')
}

/**
 * matcher returns a test that approximates the FTS match in memory for the live tail: every term
 * of one group occurs in the message, case-insensitively (words as substrings).
 */
export function matcher(groups: Term[][]): (message: string) => boolean {
  const lowered = groups.map((g) => g.map((t) => t.text.toLowerCase()))
  return (message) => {
    const m = message.toLowerCase()
    return lowered.some((g) => g.every((t) => m.includes(t)))
  }
}
