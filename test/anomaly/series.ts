/** Synthetic series for the detector's tests: seeded noise, a daily cycle and counters, 5 minutes apart. */

/** step is the sampling interval of every synthetic series (5 minutes, as in NAB). */
export const step = 300_000
/** perDay is how many points a day has at that step. */
export const perDay = 86_400_000 / step
/** start is the first timestamp (2026-11-01T00:00:00Z). */
export const start = Date.UTC(2026, 10, 1)

/** gaussian returns a seeded standard normal generator (deterministic across runs). */
export function gaussian(seed = 42): () => number {
  let s = seed
  const uniform = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
}

/** daily is a sine with a one-day period at point i. */
export const daily = (i: number) => Math.sin((2 * Math.PI * i) / perDay)

/** series builds n values from a function of the point index and a normal draw. */
export function series(n: number, f: (i: number, noise: number) => number, seed = 42): number[] {
  const noise = gaussian(seed)
  return Array.from({ length: n }, (_, i) => f(i, noise()))
}
