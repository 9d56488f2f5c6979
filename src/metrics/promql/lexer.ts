/**
 * The PromQL lexer: turns a query into tokens the way Prometheus's lexer does (numbers incl. hex
 * and octal, durations like `1h30m`, Go-style quoted strings, identifiers that may contain `:`,
 * `#` comments). Keywords stay identifiers; the parser decides by context, since PromQL allows
 * keywords as label names.
 */
import { parseError } from './errors.ts'

/** TokenKind classifies a token. */
export type TokenKind = 'ident' | 'number' | 'duration' | 'string' | 'punct' | 'eof'

/** Token is one lexeme with its 0-based offset; `text` is the source (or the punctuation). */
export interface Token {
  kind: TokenKind
  text: string
  pos: number
  /** value is the parsed number or unquoted string for number and string tokens. */
  value?: number | string
}

const punctuation = [
  '==',
  '!=',
  '>=',
  '<=',
  '=~',
  '!~',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '@',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '>',
  '<',
  '=',
]

const durationRe = /^(?:\d+(?:ms|[smhdwy]))+/
const numberRe = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/
const identRe = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const alnumRe = /[a-zA-Z0-9_]/

/** keywords are the words PromQL reserves outside label matchers (compared lowercased). */
export const keywords = new Set([
  'and',
  'or',
  'unless',
  'atan2',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
])

/** describeToken names a token for error messages, e.g. `keyword "by"` or `"}"`. */
export function describeToken(tok: Token): string {
  switch (tok.kind) {
    case 'eof':
      return 'end of input'
    case 'punct':
      return JSON.stringify(tok.text)
    case 'ident':
      return keywords.has(tok.text.toLowerCase())
        ? `keyword "${tok.text}"`
        : `identifier ${JSON.stringify(tok.text)}`
    default:
      return `${tok.kind} ${JSON.stringify(tok.text)}`
  }
}

/** parseNumber converts number text like Prometheus (ParseInt base 0 first, then ParseFloat). */
export function parseNumber(text: string): number {
  if (/^0[xX]/.test(text)) return parseInt(text.slice(2), 16)
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8)
  return Number(text)
}

const simpleEscapes: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
}

/** readString scans a quoted string starting at `start` and returns its value and end offset. */
function readString(query: string, start: number): { value: string; end: number } {
  const quote = query[start]!
  let i = start + 1
  let out = ''
  for (;;) {
    const c = query[i]
    if (c === undefined || (c === '\n' && quote !== '`')) {
      throw parseError(
        start,
        quote === '`' ? 'unterminated raw string' : 'unterminated quoted string',
      )
    }
    if (c === quote) return { value: out, end: i + 1 }
    if (c !== '\\' || quote === '`') {
      out += c
      i++
      continue
    }
    const e = query[i + 1]
    if (e === undefined) throw parseError(i, 'escape sequence not terminated')
    if (e === quote) {
      out += quote
      i += 2
    } else if (simpleEscapes[e] !== undefined) {
      out += simpleEscapes[e]
      i += 2
    } else {
      const spec: Record<string, [number, number]> = { x: [2, 16], u: [4, 16], U: [8, 16] }
      const [n, base] = spec[e] ?? (/[0-7]/.test(e) ? [3, 8] : [0, 0])
      if (n === 0) throw parseError(i, `unknown escape sequence "\\${e}"`)
      const from = /[0-7]/.test(e) ? i + 1 : i + 2
      const digits = query.slice(from, from + n)
      const re = base === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/
      if (digits.length < n || !re.test(digits)) {
        throw parseError(i, `illegal character in escape sequence "\\${e}${digits}"`)
      }
      const code = parseInt(digits, base)
      if (base === 8 || e === 'x') {
        if (code > 255) throw parseError(i, 'escape sequence is an invalid Unicode code point')
        // Go strings are bytes; vigil's are UTF-16, so a byte escape stands for its code point.
        out += String.fromCharCode(code)
      } else {
        if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) {
          throw parseError(i, 'escape sequence is an invalid Unicode code point')
        }
        out += String.fromCodePoint(code)
      }
      i = from + n
    }
  }
}

/** lex splits a query into tokens, ending with an `eof` token; it throws PromqlError. */
export function lex(query: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < query.length) {
    const c = query[i]!
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++
      continue
    }
    if (c === '#') {
      while (i < query.length && query[i] !== '\n' && query[i] !== '\r') i++
      continue
    }
    const rest = query.slice(i, i + 256)
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(query[i + 1] ?? ''))) {
      const d = durationRe.exec(rest)
      if (d && !alnumRe.test(query[i + d[0].length] ?? '')) {
        tokens.push({ kind: 'duration', text: d[0], pos: i })
        i += d[0].length
        continue
      }
      const n = numberRe.exec(rest)
      if (n && !alnumRe.test(query[i + n[0].length] ?? '')) {
        tokens.push({ kind: 'number', text: n[0], pos: i, value: parseNumber(n[0]) })
        i += n[0].length
        continue
      }
      const bad = /^[0-9a-zA-Z_.]+/.exec(rest)?.[0] ?? c
      throw parseError(i, `bad number or duration syntax: ${JSON.stringify(bad)}`)
    }
    if (c === '"' || c === "'" || c === '`') {
      const { value, end } = readString(query, i)
      tokens.push({ kind: 'string', text: query.slice(i, end), pos: i, value })
      i = end
      continue
    }
    const id = identRe.exec(rest)
    if (id) {
      // Identifiers can be longer than the 256-character window; take the whole run.
      let end = i + id[0].length
      while (end < query.length && /[a-zA-Z0-9_:]/.test(query[end]!)) end++
      tokens.push({ kind: 'ident', text: query.slice(i, end), pos: i })
      i = end
      continue
    }
    const p = punctuation.find((s) => query.startsWith(s, i))
    if (p === undefined) {
      if (c === '!')
        throw parseError(i, `unexpected character after "!": ${JSON.stringify(query[i + 1] ?? '')}`)
      throw parseError(i, `unexpected character: ${JSON.stringify(c)}`)
    }
    tokens.push({ kind: 'punct', text: p, pos: i })
    i += p.length
  }
  tokens.push({ kind: 'eof', text: '', pos: query.length })
  return tokens
}
