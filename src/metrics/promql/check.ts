/**
 * The parser's static checks, kept apart from the grammar: which functions and aggregations vigil
 * supports and their argument types, duration text, label matchers (valid regexes, at least one
 * matcher that does not match the empty string) and Prometheus's type rules for binary
 * expressions. Messages follow Prometheus's wording so users can search for them.
 */
import type { Matcher } from '../types.ts'
import {
  isComparison,
  isSetOp,
  typeOf,
  type AggregateOp,
  type BinaryExpr,
  type Expr,
  type FunctionName,
  type ValueType,
} from './ast.ts'
import { parseError, PromqlError } from './errors.ts'

/** signatures gives each supported function's argument types; `?` marks an optional one. */
export const signatures: Record<FunctionName, string[]> = {
  rate: ['matrix'],
  irate: ['matrix'],
  increase: ['matrix'],
  delta: ['matrix'],
  avg_over_time: ['matrix'],
  min_over_time: ['matrix'],
  max_over_time: ['matrix'],
  sum_over_time: ['matrix'],
  count_over_time: ['matrix'],
  last_over_time: ['matrix'],
  quantile_over_time: ['scalar', 'matrix'],
  abs: ['vector'],
  ceil: ['vector'],
  floor: ['vector'],
  round: ['vector', 'scalar?'],
  clamp_min: ['vector', 'scalar'],
  clamp_max: ['vector', 'scalar'],
  time: [],
  vector: ['scalar'],
  scalar: ['vector'],
}

/** supportedFunctions lists the function names vigil evaluates, for error messages. */
export const supportedFunctions = Object.keys(signatures) as FunctionName[]

/** supportedAggregations lists the aggregation operators vigil evaluates. */
export const supportedAggregations: AggregateOp[] = [
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'topk',
  'bottomk',
  'quantile',
]
/** prometheusAggregations lists every Prometheus aggregation keyword, supported or not. */
export const prometheusAggregations = new Set<string>([
  ...supportedAggregations,
  'group',
  'stddev',
  'stdvar',
  'count_values',
  'limitk',
  'limit_ratio',
])

/** typeNames are the documented names of the value types. */
export const typeNames: Record<ValueType, string> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
}

const durationPartsRe =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/
const durationMultipliers = [365 * 86400_000, 7 * 86400_000, 86400_000, 3600_000, 60_000, 1000, 1]

/** parseDurationText converts `1h30m` style text to ms like Prometheus's model.ParseDuration. */
export function parseDurationText(text: string, pos: number): number {
  const m = durationPartsRe.exec(text)
  if (!m || text === '')
    throw parseError(pos, `not a valid duration string: ${JSON.stringify(text)}`)
  let ms = 0
  for (let i = 0; i < durationMultipliers.length; i++) {
    const part = m[i + 1]
    if (part !== undefined) ms += Number(part) * durationMultipliers[i]!
  }
  return ms
}

/** matchesEmpty tells whether a matcher accepts the empty label value; it validates regexes. */
export function matchesEmpty(m: Matcher, pos: number): boolean {
  if (m.op === '=') return m.value === ''
  if (m.op === '!=') return m.value !== ''
  let re: RegExp
  try {
    re = new RegExp(`^(?:${m.value})$`, 'su')
  } catch (err) {
    throw parseError(pos, `invalid regular expression in label matcher: ${(err as Error).message}`)
  }
  return m.op === '=~' ? re.test('') : !re.test('')
}

/** expectType throws Prometheus's type error if expr is not of type want. */
export function expectType(expr: Expr, want: ValueType, context: string): void {
  const got = typeOf(expr)
  if (got !== want) {
    throw parseError(
      expr.pos,
      `expected type ${typeNames[want]} in ${context}, got ${typeNames[got]}`,
    )
  }
}

/** checkBinary applies Prometheus's type rules to a binary expression. */
export function checkBinary(expr: BinaryExpr): Expr {
  const { op, pos } = expr
  const lt = typeOf(expr.lhs)
  const rt = typeOf(expr.rhs)
  if (expr.returnBool && !isComparison(op)) {
    throw parseError(pos, 'bool modifier can only be used on comparison operators')
  }
  if (isComparison(op) && !expr.returnBool && lt === 'scalar' && rt === 'scalar') {
    throw parseError(pos, 'comparisons between scalars must use BOOL modifier')
  }
  if ((lt !== 'scalar' && lt !== 'vector') || (rt !== 'scalar' && rt !== 'vector')) {
    throw parseError(pos, 'binary expression must contain only scalar and instant vector types')
  }
  if ((lt !== 'vector' || rt !== 'vector') && expr.matching) {
    if (expr.matching.labels.length > 0) {
      throw parseError(pos, 'vector matching only allowed between instant vectors')
    }
    expr.matching = undefined
  }
  if (isSetOp(op) && (lt === 'scalar' || rt === 'scalar')) {
    throw parseError(
      pos,
      `set operator ${JSON.stringify(op)} not allowed in binary scalar expression`,
    )
  }
  return expr
}
/** checkCall validates a call's name and (unless nameOnly) its argument count and types. */
export function checkCall(name: string, args: Expr[], pos: number, nameOnly = false): FunctionName {
  if (!Object.hasOwn(signatures, name)) {
    throw new PromqlError(
      `unsupported function ${JSON.stringify(name)} ` +
        `(vigil supports: ${supportedFunctions.join(', ')})`,
      pos,
    )
  }
  const func = name as FunctionName
  if (nameOnly) return func
  const sig = signatures[func]
  const required = sig.filter((s) => !s.endsWith('?')).length
  const quoted = JSON.stringify(name)
  if (args.length < required || args.length > sig.length) {
    const what =
      required === sig.length
        ? `expected ${required}`
        : args.length < required
          ? `expected at least ${required}`
          : `expected at most ${sig.length}`
    throw parseError(pos, `${what} argument(s) in call to ${quoted}, got ${args.length}`)
  }
  args.forEach((arg, i) => {
    expectType(arg, sig[i]!.replace('?', '') as ValueType, `call to function ${quoted}`)
  })
  return func
}

/** checkAggregationName throws for aggregation operators vigil does not evaluate. */
export function checkAggregationName(word: string, pos: number): AggregateOp {
  if (!supportedAggregations.includes(word as AggregateOp)) {
    const list = supportedAggregations.join(', ')
    throw new PromqlError(
      `unsupported aggregation ${JSON.stringify(word)} (vigil supports: ${list})`,
      pos,
    )
  }
  return word as AggregateOp
}
