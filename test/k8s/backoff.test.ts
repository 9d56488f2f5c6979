import { describe, expect, it } from 'bun:test'
import { backoffDelay } from '../../src/k8s/backoff.ts'

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1000 }
  it.each([
    [1, 0, 50],
    [1, 1, 100],
    [2, 1, 200],
    [4, 1, 800],
    [5, 1, 1000],
    [50, 0.5, 750],
  ])('backoffDelay(attempt %i, random %d) is %i ms', (attempt, random, want) => {
    expect(backoffDelay(attempt, options, () => random)).toBe(want)
  })
})
