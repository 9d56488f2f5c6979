import { describe, expect, it } from 'bun:test'
import { formatDuration, formatExpr } from '../../../src/metrics/promql/ast.ts'
import { PromqlError } from '../../../src/metrics/promql/errors.ts'
import { parse } from '../../../src/metrics/promql/parser.ts'

function parseError(query: string): PromqlError {
  try {
    parse(query)
  } catch (err) {
    if (err instanceof PromqlError) return err
    throw err
  }
  throw new Error(`expected ${JSON.stringify(query)} to fail`)
}

describe('promql', () => {
  describe('parser', () => {
    it.each([
      ['foo', 'foo'],
      ['foo{a="b", c!="d", e=~"f.*", g!~"h"}', 'foo{a="b", c!="d", e=~"f.*", g!~"h"}'],
      ['{__name__="foo", job="x",}', '{__name__="foo", job="x"}'],
      ["foo{a='single', b=`raw\\n`}", 'foo{a="single", b="raw\\\\n"}'],
      ['foo{a="tab\\there"}', 'foo{a="tab\\there"}'],
      ['job:rate5m:sum', 'job:rate5m:sum'],
      ['foo[5m]', 'foo[5m]'],
      ['foo[1h30m]', 'foo[1h30m]'],
      ['foo[90m]', 'foo[1h30m]'],
      ['foo[1d] offset 1w', 'foo[1d] offset 1w'],
      ['foo[500ms]', 'foo[500ms]'],
      ['foo[2y]', 'foo[2y]'],
      ['foo offset 5m', 'foo offset 5m'],
      ['foo offset -5m', 'foo offset -5m'],
      ['rate(foo[5m] offset 1h)', 'rate(foo[5m] offset 1h)'],
      ['sum by (a, b) (rate(x{l="v"}[5m]))', 'sum by (a, b) (rate(x{l="v"}[5m]))'],
      ['sum(rate(x[5m])) by (a)', 'sum by (a) (rate(x[5m]))'],
      ['SUM WITHOUT (a) (x)', 'sum without (a) (x)'],
      ['count(x) without (on, by)', 'count without (on, by) (x)'],
      ['topk(2, x)', 'topk(2, x)'],
      ['bottomk by (dc) (1, x)', 'bottomk by (dc) (1, x)'],
      ['quantile(0.9, x)', 'quantile(0.9, x)'],
      ['quantile_over_time(0.5, x[10m])', 'quantile_over_time(0.5, x[10m])'],
      ['a + on (b, c) d', 'a + on (b, c) d'],
      ['a / ignoring(code) b', 'a / ignoring (code) b'],
      ['a > bool on(x) b', 'a > bool on (x) b'],
      ['a and b or c unless d', 'a and b or c unless d'],
      ['time() - vector(1)', 'time() - vector(1)'],
      ['scalar(x) * 2', 'scalar(x) * 2'],
      ['round(x)', 'round(x)'],
      ['clamp_min(x, 0) + clamp_max(x, 10)', 'clamp_min(x, 0) + clamp_max(x, 10)'],
      ['abs(ceil(floor(x)))', 'abs(ceil(floor(x)))'],
      ['0x1F + 010 + 1e3 + .5 + Inf - NaN', '31 + 8 + 1000 + 0.5 + Inf - NaN'],
      ['-x', '-x'],
      ['- - 1', '1'],
      ['(1 + 2) * 3', '(1 + 2) * 3'],
      ['rate(x[5m]) # trailing comment\n', 'rate(x[5m])'],
      ['# leading comment\nsum(\n  x # inner\n)', 'sum(x)'],
      ['sum(x,)', 'sum(x)'],
    ])('parses %p as %p', (query, printed) => {
      expect(formatExpr(parse(query))).toBe(printed)
    })

    it.each([
      // `^` is right-associative and binds tighter than unary minus: -(2 ^ (3 ^ 2)).
      [
        '-2 ^ 3 ^ 2',
        {
          kind: 'unary',
          op: '-',
          expr: {
            kind: 'binary',
            op: '^',
            lhs: { value: 2 },
            rhs: { kind: 'binary', op: '^', lhs: { value: 3 }, rhs: { value: 2 } },
          },
        },
      ],
      // `*` before `+`; `+` and `-` are left-associative: (1 - 2) + (3 * 4).
      [
        '1 - 2 + 3 * 4',
        {
          op: '+',
          lhs: { op: '-', lhs: { value: 1 }, rhs: { value: 2 } },
          rhs: { op: '*', lhs: { value: 3 }, rhs: { value: 4 } },
        },
      ],
      // Unary minus binds like `*`: (-a) * b, and comparisons bind looser than arithmetic.
      [
        '-a * b > c',
        {
          op: '>',
          lhs: { op: '*', lhs: { kind: 'unary', expr: { name: 'a' } }, rhs: { name: 'b' } },
          rhs: { name: 'c' },
        },
      ],
      // `and` binds tighter than `or`; `and` and `unless` share a level (left-associative).
      [
        'a or b and c unless d',
        {
          op: 'or',
          lhs: { name: 'a' },
          rhs: { op: 'unless', lhs: { op: 'and', lhs: { name: 'b' }, rhs: { name: 'c' } } },
        },
      ],
      // Comparisons bind tighter than `and`.
      ['a > 1 and b', { op: 'and', lhs: { op: '>', lhs: { name: 'a' }, rhs: { value: 1 } } }],
      [
        'x{a="b"}[5m] offset 1m',
        {
          kind: 'matrixSelector',
          range: 300_000,
          selector: {
            name: 'x',
            offset: 60_000,
            matchers: [
              { name: '__name__', op: '=', value: 'x' },
              { name: 'a', op: '=', value: 'b' },
            ],
          },
        },
      ],
      ['x offset -1h', { kind: 'vectorSelector', offset: -3_600_000 }],
      [
        'sum by (host) (rate(x[5m]))',
        { kind: 'aggregate', op: 'sum', grouping: ['host'], without: false },
      ],
      ['a + on() b', { matching: { on: true, labels: [] } }],
      ['a == bool b', { op: '==', returnBool: true, matching: undefined }],
    ])('parses %p into the right tree', (query, shape) => {
      expect(parse(query)).toMatchObject(shape)
    })

    it.each([
      [
        'histogram_quantile(0.9, x)',
        'unsupported function "histogram_quantile" (vigil supports: rate, irate',
      ],
      ['label_replace(x, "a", "b", "c", "d")', 'unsupported function "label_replace"'],
      ['RATE(x[5m])', 'unsupported function "RATE"'],
      ['stddev(x)', 'unsupported aggregation "stddev" (vigil supports: sum, avg'],
      ['count_values("v", x)', 'unsupported aggregation "count_values"'],
      ['rate(x[5m:1m])', 'subqueries are not supported'],
      ['max_over_time(rate(x[1m])[5m:])', 'subqueries are not supported'],
      ['x @ 1609746000', 'the @ modifier is not supported'],
      ['rate(x[5m] @ end())', 'the @ modifier is not supported'],
      ['a + on(b) group_left c', 'group_left is not supported'],
      ['a * ignoring(b) group_right(c) d', 'group_right is not supported'],
      ['atan2(a, b)', 'unexpected keyword "atan2"'],
      ['a atan2 b', 'unsupported operator "atan2"'],
      ['foo{a="b"', 'parse error at char 10: unexpected end of input inside braces'],
      ['foo{a="b"}}', 'parse error at char 11: unexpected "}"'],
      ['sum(x', 'parse error at char 6: unclosed left parenthesis'],
      ['x)', 'unexpected right parenthesis'],
      ['x[5m', 'unclosed left bracket'],
      ['x[5x]', 'bad number or duration syntax: "5x"'],
      ['x[1m1h]', 'not a valid duration string: "1m1h"'],
      ['x[5]', 'missing unit character in duration'],
      ['x[0s]', 'range duration must be greater than 0'],
      ['{a=""}', 'vector selector must contain at least one non-empty matcher'],
      ['{a=~".*"}', 'vector selector must contain at least one non-empty matcher'],
      ['{a!~".+"}', 'vector selector must contain at least one non-empty matcher'],
      ['{}', 'vector selector must contain at least one non-empty matcher'],
      ['foo{a=~"("}', 'invalid regular expression in label matcher'],
      ['foo{__name__="bar"}', 'metric name must not be set twice: "foo" or "bar"'],
      ['foo{a="b" c="d"}', 'expected "," or "}"'],
      ['foo{a~"b"}', 'unexpected character: "~"'],
      ['foo{a=b}', 'expected string'],
      ['"unterminated', 'unterminated quoted string'],
      ['foo{a="\\q"}', 'unknown escape sequence'],
      ['rate(x)', 'expected type range vector in call to function "rate", got instant vector'],
      ['abs(x[5m])', 'expected type instant vector in call to function "abs", got range vector'],
      ['abs(x, y)', 'expected 1 argument(s) in call to "abs", got 2'],
      [
        'quantile_over_time(x[5m])',
        'expected 2 argument(s) in call to "quantile_over_time", got 1',
      ],
      ['sum(x[5m])', 'expected type instant vector in aggregation expression, got range vector'],
      ['topk(x)', 'wrong number of arguments for aggregate expression provided, expected 2, got 1'],
      ['topk("2", x)', 'expected type scalar in aggregation parameter, got string'],
      ['sum()', 'no arguments for aggregate expression provided'],
      ['1 > 2', 'comparisons between scalars must use BOOL modifier'],
      ['a + bool b', 'bool modifier can only be used on comparison operators'],
      ['a and 1', 'set operator "and" not allowed in binary scalar expression'],
      ['1 + on(a) x', 'vector matching only allowed between instant vectors'],
      ['x[5m] + 1', 'binary expression must contain only scalar and instant vector types'],
      ['"a" + 1', 'binary expression must contain only scalar and instant vector types'],
      ['-"a"', 'unary expression only allowed on expressions of type scalar or instant vector'],
      ['sum(x) offset 5m', 'offset modifier must be preceded by an instant vector selector'],
      ['x offset 1m offset 2m', 'offset may not be set multiple times'],
      ['x offset 1m [5m]', 'no offset modifiers allowed before range'],
      ['(x)[5m]', 'ranges only allowed for vector selectors'],
      ['sum by (a:b) (x)', 'expected label'],
      ['5m', 'unexpected duration "5m"'],
      ['', 'no expression found in input'],
      ['x y', 'unexpected identifier "y"'],
      ['by', 'unexpected keyword "by"'],
    ])('rejects %p with %p', (query, fragment) => {
      const err = parseError(query)
      expect(err.message).toContain(fragment)
      expect(err.position).toBeGreaterThanOrEqual(0)
    })

    it('refuses absurdly nested queries cleanly', () => {
      expect(parseError(`${'('.repeat(500)}1${')'.repeat(500)}`).message).toContain(
        'query is nested too deeply',
      )
      expect(formatExpr(parse(`${'('.repeat(50)}1${')'.repeat(50)}`))).toHaveLength(101)
    })

    it('reports the 0-based position of the culprit', () => {
      const err = parseError('sum(rate(x[5m])) + histogram_quantile(0.9, y)')
      expect(err.position).toBe(19)
      expect(parseError('foo{a="b"}}').position).toBe(10)
    })

    it.each([
      [0, '0s'],
      [500, '500ms'],
      [90_000, '1m30s'],
      [5_400_000, '1h30m'],
      [7 * 86_400_000, '1w'],
      [90 * 86_400_000, '90d'],
      [365 * 86_400_000, '1y'],
      [-300_000, '-5m'],
    ])('formatDuration(%p) is %p', (ms, text) => {
      expect(formatDuration(ms)).toBe(text)
    })
  })
})
