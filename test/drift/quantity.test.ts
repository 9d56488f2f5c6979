import { describe, expect, test } from 'bun:test'
import { compareQuantities, parseQuantity, quantitiesEqual } from '../../src/drift/index.ts'

describe('quantity', () => {
  test.each([
    ['500m', '0.5'],
    ['1Gi', '1024Mi'],
    ['1Gi', '1073741824'],
    ['1e3', '1k'],
    ['1E3', '1000'],
    [1000, '1k'],
    [0.5, '500m'],
    ['1.5Gi', '1536Mi'],
    ['0.1', '100m'],
    ['100u', '0.0001'],
    ['1n', '0.000000001'],
    ['2', 2],
    ['1M', '1000k'],
    ['1E', '1000P'],
    ['+1', '1'],
    ['.5', '500m'],
    ['0', '0Mi'],
  ])('quantitiesEqual(%p, %p) is true', (a, b) => {
    expect(quantitiesEqual(a, b)).toBe(true)
  })

  test.each([
    ['1Gi', '1G'],
    ['500m', '0.05'],
    ['1k', '1Ki'],
    ['512Mi', '1Gi'],
    ['1', '-1'],
  ])('quantitiesEqual(%p, %p) is false', (a, b) => {
    expect(quantitiesEqual(a, b)).toBe(false)
  })

  test.each(['', 'abc', '1 Gi', '1gi', 'Gi', '1.2.3', '--1', '1e', '1e999', null, {}, Number.NaN])(
    'parseQuantity(%p) is undefined',
    (q) => {
      expect(parseQuantity(q)).toBeUndefined()
    },
  )

  test.each([
    ['100m', '1', -1],
    ['2Gi', '2G', 1],
    ['1e-3', '1m', 0],
  ])('compareQuantities(%p, %p) is %p', (a, b, sign) => {
    expect(Math.sign(compareQuantities(parseQuantity(a)!, parseQuantity(b)!))).toBe(sign)
  })

  test('parseQuantity() is exact where floats are not', () => {
    expect(quantitiesEqual('0.3', '300m')).toBe(true)
    expect(quantitiesEqual('9007199254740993', '9007199254740992')).toBe(false)
  })
})
