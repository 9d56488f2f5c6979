/**
 * The PromQL parser: a precedence-climbing parser over the lexer's tokens that builds the syntax
 * tree and type-checks it as Prometheus does. Precedence and associativity follow Prometheus's
 * grammar (`^` right-associative and tightest, then `* / %`, `+ -`, comparisons, `and unless`,
 * `or`; unary minus binds like `*`, so `-2 ^ 2` is -4). Constructs outside vigil's subset fail
 * with a PromqlError that names them.
 *
 * Just past 400 lines: one recursive-descent grammar, whose rules call one another; type checks
 * already live in check.ts.
 */
import type { Matcher, MatchOp } from '../types.ts'
import {
  typeOf,
  type AggregateExpr,
  type BinaryOp,
  type Call,
  type Expr,
  type VectorMatching,
  type VectorSelector,
} from './ast.ts'
import {
  checkAggregationName,
  checkBinary,
  checkCall,
  expectType,
  matchesEmpty,
  parseDurationText,
  prometheusAggregations,
  typeNames,
} from './check.ts'
import { parseError, PromqlError } from './errors.ts'
import { describeToken, keywords, lex, type Token } from './lexer.ts'

/** PromqlError is re-exported so callers of parse need one import. */
export { PromqlError } from './errors.ts'

/** Binary operators from loosest to tightest, as in Prometheus's grammar. */
const levels: BinaryOp[][] = [
  ['or'],
  ['and', 'unless'],
  ['==', '!=', '>', '<', '>=', '<='],
  ['+', '-'],
  ['*', '/', '%'],
  ['^'],
]
const precedence = Object.fromEntries(
  levels.flatMap((ops, i) => ops.map((op) => [op, i + 1])),
) as Record<BinaryOp, number>
const powPrecedence = 6
/** maxDepth bounds the nesting of expressions, so deep queries fail cleanly, not by recursion. */
const maxDepth = 200

class Parser {
  private i = 0
  private depth = 0

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!
  }

  private next(): Token {
    const tok = this.peek()
    if (tok.kind !== 'eof') this.i++
    return tok
  }

  private isPunct(text: string, offset = 0): boolean {
    const tok = this.peek(offset)
    return tok.kind === 'punct' && tok.text === text
  }

  private isKeyword(word: string, offset = 0): boolean {
    const tok = this.peek(offset)
    return tok.kind === 'ident' && tok.text.toLowerCase() === word
  }

  private unexpected(tok: Token, context = ''): PromqlError {
    if (tok.kind === 'eof' && context === '') return parseError(tok.pos, 'unexpected end of input')
    return parseError(tok.pos, `unexpected ${describeToken(tok)}${context}`)
  }

  private expectPunct(text: string, context: string): Token {
    const tok = this.peek()
    if (tok.kind === 'punct' && tok.text === text) return this.next()
    if (tok.kind === 'eof' && text === ')') throw parseError(tok.pos, 'unclosed left parenthesis')
    throw this.unexpected(tok, `${context}, expected ${JSON.stringify(text)}`)
  }

  parseQuery(): Expr {
    if (this.peek().kind === 'eof') throw parseError(0, 'no expression found in input')
    const expr = this.parseExpr(0)
    const tok = this.peek()
    if (tok.kind !== 'eof') {
      if (tok.kind === 'punct' && tok.text === ')') {
        throw parseError(tok.pos, 'unexpected right parenthesis ")"')
      }
      throw this.unexpected(tok)
    }
    return expr
  }

  private binaryOp(tok: Token): BinaryOp | undefined {
    if (tok.kind === 'punct' && tok.text in precedence) return tok.text as BinaryOp
    if (tok.kind !== 'ident') return undefined
    const word = tok.text.toLowerCase()
    if (word === 'atan2') throw new PromqlError('unsupported operator "atan2"', tok.pos)
    return word === 'and' || word === 'or' || word === 'unless' ? word : undefined
  }

  private parseExpr(minPrec: number): Expr {
    if (++this.depth > maxDepth) throw parseError(this.peek().pos, 'query is nested too deeply')
    try {
      return this.parseBinary(minPrec)
    } finally {
      this.depth--
    }
  }

  private parseBinary(minPrec: number): Expr {
    let lhs = this.parseUnary()
    for (;;) {
      const tok = this.peek()
      const op = this.binaryOp(tok)
      if (op === undefined || precedence[op] < minPrec) return lhs
      this.next()
      let returnBool = false
      if (this.isKeyword('bool')) {
        this.next()
        returnBool = true
      }
      let matching: VectorMatching | undefined
      if (this.isKeyword('on') || this.isKeyword('ignoring')) {
        const on = this.next().text.toLowerCase() === 'on'
        matching = { on, labels: this.parseLabelList('grouping opts') }
      }
      const group = this.peek()
      if (this.isKeyword('group_left') || this.isKeyword('group_right')) {
        throw new PromqlError(
          `${group.text.toLowerCase()} is not supported ` +
            '(vigil only does one-to-one vector matching)',
          group.pos,
        )
      }
      const prec = precedence[op]
      const rhs = this.parseExpr(op === '^' ? prec : prec + 1)
      lhs = checkBinary({ kind: 'binary', op, lhs, rhs, returnBool, matching, pos: tok.pos })
    }
  }

  private parseUnary(): Expr {
    const tok = this.peek()
    if (tok.kind === 'punct' && (tok.text === '-' || tok.text === '+')) {
      this.next()
      const expr = this.parseExpr(powPrecedence)
      if (expr.kind === 'number') {
        return { ...expr, value: tok.text === '-' ? -expr.value : expr.value, pos: tok.pos }
      }
      const t = typeOf(expr)
      if (t !== 'scalar' && t !== 'vector') {
        throw parseError(
          tok.pos,
          'unary expression only allowed on expressions of type scalar or instant vector, ' +
            `got "${typeNames[t]}"`,
        )
      }
      return { kind: 'unary', op: tok.text === '-' ? '-' : '+', expr, pos: tok.pos }
    }
    return this.parsePostfix(this.parsePrimary())
  }

  private parsePostfix(start: Expr): Expr {
    let expr = start
    for (;;) {
      const tok = this.peek()
      if (tok.kind === 'punct' && tok.text === '@') {
        throw new PromqlError('the @ modifier is not supported', tok.pos)
      }
      if (tok.kind === 'punct' && tok.text === '[') {
        this.next()
        this.rejectSubquery(tok)
        const dur = this.next()
        if (dur.kind !== 'duration') {
          if (dur.kind === 'number') throw parseError(dur.pos, 'missing unit character in duration')
          throw this.unexpected(dur, ' in range, expected duration')
        }
        if (!this.isPunct(']')) {
          if (this.peek().kind === 'eof') throw parseError(tok.pos, 'unclosed left bracket')
          throw this.unexpected(this.peek(), ' in range, expected "]"')
        }
        this.next()
        if (expr.kind !== 'vectorSelector') {
          throw parseError(tok.pos, 'ranges only allowed for vector selectors')
        }
        if (expr.offset !== 0) throw parseError(tok.pos, 'no offset modifiers allowed before range')
        const range = parseDurationText(dur.text, dur.pos)
        if (range <= 0) throw parseError(dur.pos, 'range duration must be greater than 0')
        expr = { kind: 'matrixSelector', selector: expr, range, pos: expr.pos }
        continue
      }
      if (tok.kind === 'ident' && tok.text.toLowerCase() === 'offset') {
        this.next()
        let sign = 1
        if (this.isPunct('-') || this.isPunct('+')) sign = this.next().text === '-' ? -1 : 1
        const dur = this.next()
        if (dur.kind !== 'duration') throw this.unexpected(dur, ' in offset, expected duration')
        const offset = sign * parseDurationText(dur.text, dur.pos)
        const sel = expr.kind === 'matrixSelector' ? expr.selector : expr
        if (sel.kind !== 'vectorSelector') {
          throw parseError(
            tok.pos,
            'offset modifier must be preceded by an instant vector selector or range vector ' +
              'selector or a subquery',
          )
        }
        if (sel.offset !== 0) throw parseError(tok.pos, 'offset may not be set multiple times')
        const moved = { ...sel, offset }
        expr = expr.kind === 'matrixSelector' ? { ...expr, selector: moved } : moved
        continue
      }
      return expr
    }
  }

  /** rejectSubquery throws if the bracket opened at `open` holds a subquery (`[5m:1m]`). */
  private rejectSubquery(open: Token): void {
    for (let k = 0; ; k++) {
      const tok = this.peek(k)
      if (tok.kind === 'eof' || (tok.kind === 'punct' && tok.text === ']')) return
      if (tok.text.startsWith(':')) throw new PromqlError('subqueries are not supported', open.pos)
    }
  }

  private parsePrimary(): Expr {
    const tok = this.next()
    switch (tok.kind) {
      case 'number':
        return { kind: 'number', value: tok.value as number, pos: tok.pos }
      case 'string':
        return { kind: 'string', value: tok.value as string, pos: tok.pos }
      case 'punct':
        if (tok.text === '(') {
          const expr = this.parseExpr(0)
          this.expectPunct(')', ' in parenthesised expression')
          return { kind: 'paren', expr, pos: tok.pos }
        }
        if (tok.text === '{') return this.parseSelector(undefined, tok)
        if (tok.text === '@') throw new PromqlError('the @ modifier is not supported', tok.pos)
        if (tok.text === ')') throw parseError(tok.pos, 'unexpected right parenthesis ")"')
        throw this.unexpected(tok)
      case 'ident':
        return this.parseIdentifier(tok)
      default:
        throw this.unexpected(tok)
    }
  }

  private parseIdentifier(tok: Token): Expr {
    const word = tok.text.toLowerCase()
    const next = this.peek()
    const opensCall = next.kind === 'punct' && next.text === '('
    const startsGrouping = this.isKeyword('by') || this.isKeyword('without')
    if (prometheusAggregations.has(word) && (opensCall || startsGrouping)) {
      return this.parseAggregation(tok)
    }
    if (opensCall) {
      if (keywords.has(word)) throw this.unexpected(tok)
      return this.parseCall(tok)
    }
    if (keywords.has(word)) throw this.unexpected(tok)
    if (word === 'inf' || word === 'nan') {
      return { kind: 'number', value: word === 'inf' ? Infinity : NaN, pos: tok.pos }
    }
    if (next.kind === 'punct' && next.text === '{') {
      this.next()
      return this.parseSelector(tok.text, tok)
    }
    return this.finishSelector(tok.text, [], tok.pos)
  }

  private parseSelector(name: string | undefined, start: Token): VectorSelector {
    const matchers: Matcher[] = []
    for (;;) {
      const tok = this.next()
      if (tok.kind === 'punct' && tok.text === '}') break
      if (tok.kind === 'eof') throw parseError(tok.pos, 'unexpected end of input inside braces')
      if (tok.kind !== 'ident' || tok.text.includes(':')) {
        throw this.unexpected(tok, ' in label matching, expected label name')
      }
      const opTok = this.next()
      const ops = ['=', '!=', '=~', '!~']
      if (opTok.kind !== 'punct' || !ops.includes(opTok.text)) {
        throw this.unexpected(opTok, ' in label matching, expected label matching operator')
      }
      const value = this.next()
      if (value.kind !== 'string')
        throw this.unexpected(value, ' in label matching, expected string')
      matchers.push({ name: tok.text, op: opTok.text as MatchOp, value: value.value as string })
      const sep = this.next()
      if (sep.kind === 'punct' && sep.text === '}') break
      if (sep.kind === 'eof') throw parseError(sep.pos, 'unexpected end of input inside braces')
      if (sep.kind !== 'punct' || sep.text !== ',') {
        throw this.unexpected(sep, ' in label matching, expected "," or "}"')
      }
    }
    return this.finishSelector(name, matchers, start.pos)
  }

  private finishSelector(
    name: string | undefined,
    matchers: Matcher[],
    pos: number,
  ): VectorSelector {
    const all = [...matchers]
    if (name !== undefined) {
      const dup = matchers.find((m) => m.name === '__name__')
      if (dup) {
        const both = `${JSON.stringify(name)} or ${JSON.stringify(dup.value)}`
        throw parseError(pos, `metric name must not be set twice: ${both}`)
      }
      all.unshift({ name: '__name__', op: '=', value: name })
    }
    // Map first so every regex is validated, not just those before the first non-empty matcher.
    if (all.map((m) => matchesEmpty(m, pos)).every(Boolean)) {
      throw parseError(pos, 'vector selector must contain at least one non-empty matcher')
    }
    return { kind: 'vectorSelector', name, matchers: all, offset: 0, pos }
  }

  private parseLabelList(context: string): string[] {
    this.expectPunct('(', ` in ${context}`)
    const labels: string[] = []
    for (;;) {
      const tok = this.next()
      if (tok.kind === 'punct' && tok.text === ')') return labels
      if (tok.kind !== 'ident' || tok.text.includes(':')) {
        throw this.unexpected(tok, ` in ${context}, expected label`)
      }
      labels.push(tok.text)
      const sep = this.next()
      if (sep.kind === 'punct' && sep.text === ')') return labels
      if (sep.kind !== 'punct' || sep.text !== ',') {
        throw this.unexpected(sep, ` in ${context}, expected "," or ")"`)
      }
    }
  }

  private parseArgs(context: string): Expr[] {
    this.expectPunct('(', ` in ${context}`)
    const args: Expr[] = []
    if (this.isPunct(')')) {
      this.next()
      return args
    }
    for (;;) {
      args.push(this.parseExpr(0))
      if (this.isPunct(',')) {
        this.next()
        if (this.isPunct(')')) {
          this.next()
          return args
        }
        continue
      }
      this.expectPunct(')', ` in ${context}`)
      return args
    }
  }

  private parseCall(tok: Token): Call {
    // Check the name first, so an unsupported function is reported even if its arguments are odd.
    checkCall(tok.text, [], tok.pos, true)
    const args = this.parseArgs('function call')
    return { kind: 'call', func: checkCall(tok.text, args, tok.pos), args, pos: tok.pos }
  }

  private parseAggregation(tok: Token): AggregateExpr {
    const op = checkAggregationName(tok.text.toLowerCase(), tok.pos)
    let grouping: string[] | undefined
    let without = false
    const readGrouping = (): void => {
      without = this.next().text.toLowerCase() === 'without'
      grouping = this.parseLabelList('grouping opts')
    }
    if (this.isKeyword('by') || this.isKeyword('without')) readGrouping()
    const args = this.parseArgs('aggregation')
    if (grouping === undefined && (this.isKeyword('by') || this.isKeyword('without')))
      readGrouping()
    if (args.length === 0)
      throw parseError(tok.pos, 'no arguments for aggregate expression provided')
    const wanted = op === 'topk' || op === 'bottomk' || op === 'quantile' ? 2 : 1
    if (args.length !== wanted) {
      throw parseError(
        tok.pos,
        'wrong number of arguments for aggregate expression provided, ' +
          `expected ${wanted}, got ${args.length}`,
      )
    }
    const expr = args[wanted - 1]!
    const param = wanted === 2 ? args[0] : undefined
    expectType(expr, 'vector', 'aggregation expression')
    if (param) expectType(param, 'scalar', 'aggregation parameter')
    return { kind: 'aggregate', op, expr, param, grouping: grouping ?? [], without, pos: tok.pos }
  }
}

/** parse turns a PromQL query into a type-checked syntax tree or throws a PromqlError. */
export function parse(query: string): Expr {
  return new Parser(lex(query)).parseQuery()
}
