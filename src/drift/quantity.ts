/**
 * Kubernetes resource quantities (`500m`, `0.5`, `1Gi`, `1024Mi`, `1e3`, `1k`) read exactly: a
 * quantity is an integer times a power of ten, in BigInt, so `1Gi` and `1073741824` compare equal
 * and no float rounding hides or invents a difference.
 */

/** Quantity is `mantissa × 10^exponent`, exactly. */
export interface Quantity {
  mantissa: bigint
  exponent: number
}

const binary: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
}
const decimal: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
}

const pattern = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/

/** parseQuantity reads a quantity string or number; undefined when it is not one. */
export function parseQuantity(value: unknown): Quantity | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value
  if (typeof text !== 'string' || text.length > 64) return undefined
  const m = pattern.exec(text.trim())
  if (!m) return undefined
  const [, sign = '', number = '', exp, suffix = ''] = m
  const [whole = '', fraction = ''] = number.split('.')
  let mantissa = BigInt((whole || '0') + fraction) * (sign === '-' ? -1n : 1n)
  let exponent = -fraction.length
  if (exp) exponent += Number(exp.slice(1))
  else if (suffix in binary) mantissa *= binary[suffix]!
  else exponent += decimal[suffix] ?? 0
  // Bounded so that comparing cannot be made to build huge powers of ten.
  if (Math.abs(exponent) > 100) return undefined
  return normalise({ mantissa, exponent })
}

/** normalise strips trailing zeros so that equal quantities have equal fields. */
function normalise(q: Quantity): Quantity {
  if (q.mantissa === 0n) return { mantissa: 0n, exponent: 0 }
  let { mantissa, exponent } = q
  while (mantissa % 10n === 0n) {
    mantissa /= 10n
    exponent += 1
  }
  return { mantissa, exponent }
}

/** compareQuantities orders two quantities: negative, zero or positive. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const scale = Math.min(a.exponent, b.exponent)
  const x = a.mantissa * 10n ** BigInt(a.exponent - scale)
  const y = b.mantissa * 10n ** BigInt(b.exponent - scale)
  return x < y ? -1 : x > y ? 1 : 0
}

/** quantitiesEqual is true when both values are quantities of the same amount. */
export function quantitiesEqual(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a)
  const y = parseQuantity(b)
  return x !== undefined && y !== undefined && compareQuantities(x, y) === 0
}
