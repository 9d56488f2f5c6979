/**
 * The syntax tree of vigil's PromQL subset, its value types, and a printer that writes a tree
 * back in Prometheus's canonical form (for tests and debugging). Every node carries a 0-based
 * offset into the query (its first character; the operator for binary expressions) so later
 * stages can point at the culprit.
 */
import type { Matcher } from '../types.ts'

/** ValueType is the PromQL type an expression evaluates to. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string'

/** NumberLiteral is a float literal such as `1.5`, `0x1f`, `Inf` or a folded `-2`. */
export interface NumberLiteral {
  kind: 'number'
  value: number
  pos: number
}

/** StringLiteral is a quoted string, allowed only where PromQL expects a string. */
export interface StringLiteral {
  kind: 'string'
  value: string
  pos: number
}

/** VectorSelector selects the latest sample of each matching series; offset is in ms. */
export interface VectorSelector {
  kind: 'vectorSelector'
  /** name is the metric name written before the braces, if any. */
  name: string | undefined
  /** matchers include the `__name__` equality matcher when a name was written. */
  matchers: Matcher[]
  offset: number
  pos: number
}

/** MatrixSelector selects the samples of each series within `range` ms before each step. */
export interface MatrixSelector {
  kind: 'matrixSelector'
  selector: VectorSelector
  range: number
  pos: number
}

/** ParenExpr is a parenthesised expression, kept so printing round-trips. */
export interface ParenExpr {
  kind: 'paren'
  expr: Expr
  pos: number
}

/** UnaryExpr is `-x` or `+x` on a scalar or instant vector (literals are folded). */
export interface UnaryExpr {
  kind: 'unary'
  op: '-' | '+'
  expr: Expr
  pos: number
}

/** ArithmeticOp is a binary arithmetic operator. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^'
/** ComparisonOp is a binary comparison operator. */
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<='
/** SetOp is a binary set operator between instant vectors. */
export type SetOp = 'and' | 'or' | 'unless'
/** BinaryOp is any supported binary operator. */
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp

/** VectorMatching is an `on(...)` (on = true) or `ignoring(...)` clause. */
export interface VectorMatching {
  on: boolean
  labels: string[]
}

/** BinaryExpr is `lhs op lhs` with optional `bool` and one-to-one `on`/`ignoring` matching. */
export interface BinaryExpr {
  kind: 'binary'
  op: BinaryOp
  lhs: Expr
  rhs: Expr
  returnBool: boolean
  /** matching is set only between two instant vectors when on/ignoring was written. */
  matching: VectorMatching | undefined
  pos: number
}

/** FunctionName lists the functions vigil evaluates. */
export type FunctionName =
  | 'rate'
  | 'irate'
  | 'increase'
  | 'delta'
  | 'avg_over_time'
  | 'min_over_time'
  | 'max_over_time'
  | 'sum_over_time'
  | 'count_over_time'
  | 'last_over_time'
  | 'quantile_over_time'
  | 'abs'
  | 'ceil'
  | 'floor'
  | 'round'
  | 'clamp_min'
  | 'clamp_max'
  | 'time'
  | 'vector'
  | 'scalar'

/** Call is a function call. */
export interface Call {
  kind: 'call'
  func: FunctionName
  args: Expr[]
  pos: number
}

/** AggregateOp lists the aggregation operators vigil evaluates. */
export type AggregateOp = 'sum' | 'avg' | 'min' | 'max' | 'count' | 'topk' | 'bottomk' | 'quantile'

/** AggregateExpr is an aggregation with `by`/`without` grouping and, for some, a parameter. */
export interface AggregateExpr {
  kind: 'aggregate'
  op: AggregateOp
  expr: Expr
  param: Expr | undefined
  grouping: string[]
  without: boolean
  pos: number
}

/** Expr is any node of the tree. */
export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | Call
  | AggregateExpr

/** functionReturnTypes gives each function's result type. */
const functionReturnTypes: Partial<Record<FunctionName, ValueType>> = {
  time: 'scalar',
  scalar: 'scalar',
}

/** typeOf returns the PromQL type of an expression. */
export function typeOf(expr: Expr): ValueType {
  switch (expr.kind) {
    case 'number':
      return 'scalar'
    case 'string':
      return 'string'
    case 'vectorSelector':
    case 'aggregate':
      return 'vector'
    case 'matrixSelector':
      return 'matrix'
    case 'paren':
    case 'unary':
      return typeOf(expr.expr)
    case 'call':
      return functionReturnTypes[expr.func] ?? 'vector'
    case 'binary':
      return typeOf(expr.lhs) === 'scalar' && typeOf(expr.rhs) === 'scalar' ? 'scalar' : 'vector'
  }
}

/** isComparison tells whether an operator is a comparison. */
export function isComparison(op: BinaryOp): op is ComparisonOp {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<='
}

/** isSetOp tells whether an operator is a set operator. */
export function isSetOp(op: BinaryOp): op is SetOp {
  return op === 'and' || op === 'or' || op === 'unless'
}

const durationUnits: [string, number, boolean][] = [
  ['y', 365 * 24 * 3600_000, true],
  ['w', 7 * 24 * 3600_000, true],
  ['d', 24 * 3600_000, false],
  ['h', 3600_000, false],
  ['m', 60_000, false],
  ['s', 1000, false],
  ['ms', 1, false],
]

/** formatDuration writes ms like Prometheus's model.Duration (`1h30m`, `90d`, `1w`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s'
  if (ms < 0) return `-${formatDuration(-ms)}`
  let rest = ms
  let out = ''
  for (const [unit, mult, exact] of durationUnits) {
    if (exact && rest % mult !== 0) continue
    const n = Math.floor(rest / mult)
    if (n > 0) {
      out += `${n}${unit}`
      rest -= n * mult
    }
  }
  return out
}

function formatNumberLiteral(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return 'Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

function formatMatchers(sel: VectorSelector): string {
  const shown = sel.matchers.filter(
    (m) => !(sel.name !== undefined && m.name === '__name__' && m.op === '='),
  )
  if (shown.length === 0) return sel.name === undefined ? '{}' : ''
  return `{${shown.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ')}}`
}

function formatOffset(offset: number): string {
  return offset === 0 ? '' : ` offset ${formatDuration(offset)}`
}

/** formatExpr prints an expression in Prometheus's canonical form. */
export function formatExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return formatNumberLiteral(expr.value)
    case 'string':
      return JSON.stringify(expr.value)
    case 'vectorSelector':
      return `${expr.name ?? ''}${formatMatchers(expr)}${formatOffset(expr.offset)}`
    case 'matrixSelector': {
      const sel = expr.selector
      const base = `${sel.name ?? ''}${formatMatchers(sel)}`
      return `${base}[${formatDuration(expr.range)}]${formatOffset(sel.offset)}`
    }
    case 'paren':
      return `(${formatExpr(expr.expr)})`
    case 'unary':
      return `${expr.op}${formatExpr(expr.expr)}`
    case 'binary': {
      const bool = expr.returnBool ? ' bool' : ''
      const m = expr.matching
      const matching = m ? ` ${m.on ? 'on' : 'ignoring'} (${m.labels.join(', ')})` : ''
      return `${formatExpr(expr.lhs)} ${expr.op}${bool}${matching} ${formatExpr(expr.rhs)}`
    }
    case 'call':
      return `${expr.func}(${expr.args.map(formatExpr).join(', ')})`
    case 'aggregate': {
      const grouping =
        expr.grouping.length > 0 || expr.without
          ? ` ${expr.without ? 'without' : 'by'} (${expr.grouping.join(', ')}) `
          : ''
      const args = expr.param ? [expr.param, expr.expr] : [expr.expr]
      return `${expr.op}${grouping}(${args.map(formatExpr).join(', ')})`
    }
  }
}
