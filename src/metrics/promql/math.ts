/**
 * Float arithmetic that follows Prometheus's Go code operation by operation: Kahan-Neumaier
 * summation (sum, sum_over_time), the overflow-safe mean (avg, avg_over_time), the quantile
 * interpolation (quantile, quantile_over_time) and Go's math.Pow special cases, which differ from
 * JS's `**`.
 */

/** KahanSum accumulates floats with Neumaier's compensation, as Prometheus's kahanSumInc. */
export class KahanSum {
  sum = 0
  c = 0

  /** add adds one value. */
  add(inc: number): void {
    const t = this.sum + inc
    if (t === Infinity || t === -Infinity) this.c = 0
    else if (Math.abs(this.sum) >= Math.abs(inc)) this.c += this.sum - t + inc
    else this.c += inc - t + this.sum
    this.sum = t
  }

  /** value returns the compensated sum. */
  value(): number {
    return this.sum === Infinity || this.sum === -Infinity ? this.sum : this.sum + this.c
  }
}

/**
 * Mean computes an average like Prometheus's avg: a compensated sum divided by the count, switching
 * to an incremental mean only if the sum would overflow.
 */
export class Mean {
  private readonly total = new KahanSum()
  private count = 0
  private incremental = false
  private mean = 0
  private meanC = 0

  /** add adds one value. */
  add(v: number): void {
    this.count++
    if (!this.incremental) {
      const t = this.total.sum + v
      if (t !== Infinity && t !== -Infinity) {
        this.total.add(v)
        return
      }
      this.incremental = true
      this.mean = this.total.sum / (this.count - 1)
      this.meanC = this.total.c / (this.count - 1)
    }
    if (this.mean === Infinity || this.mean === -Infinity) {
      if ((v === Infinity || v === -Infinity) && this.mean > 0 === v > 0) return
      if (v !== Infinity && v !== -Infinity && !Number.isNaN(v)) return
    }
    const current = this.mean + this.meanC
    const inc = v / this.count - current / this.count
    const t = this.mean + inc
    if (t === Infinity || t === -Infinity) this.meanC = 0
    else if (Math.abs(this.mean) >= Math.abs(inc)) this.meanC += this.mean - t + inc
    else this.meanC += inc - t + this.mean
    this.mean = t
  }

  /** value returns the mean of the values added so far. */
  value(): number {
    if (this.incremental) return this.mean + this.meanC
    return this.total.value() / this.count
  }
}

/** compareNaNFirst orders floats ascending with NaN before everything, as Prometheus sorts. */
export function compareNaNFirst(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1
  if (Number.isNaN(b)) return 1
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * quantile returns the φ-quantile of values like Prometheus (sorting values): linear interpolation
 * between the closest ranks, NaN for no values or φ = NaN, -Inf for φ < 0, +Inf for φ > 1.
 */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN
  if (q < 0) return -Infinity
  if (q > 1) return Infinity
  values.sort(compareNaNFirst)
  const n = values.length
  const rank = q * (n - 1)
  const lower = Math.max(0, Math.floor(rank))
  const upper = Math.min(n - 1, lower + 1)
  const weight = rank - Math.floor(rank)
  return values[lower]! * (1 - weight) + values[upper]! * weight
}

/** goPow is Go's math.Pow: like `**` except that Pow(1, y) and Pow(-1, ±Inf) are 1. */
export function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1
  return x ** y
}
