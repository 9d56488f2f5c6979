import { describe, expect, it } from 'bun:test'
import { ChunkCache, lowerBound } from '../../src/metrics/chunk-cache.ts'

const cols = (ts: number[]) => ({
  ts: Float64Array.from(ts),
  vs: Float64Array.from(ts, (t) => t / 10),
})

describe('chunk-cache', () => {
  it.each([
    [[], 5, 0],
    [[10, 20, 30], 5, 0],
    [[10, 20, 30], 10, 0],
    [[10, 20, 30], 11, 1],
    [[10, 20, 30], 30, 2],
    [[10, 20, 30], 31, 3],
  ])('lowerBound(%j, %d) is %d', (ts, t, want) => {
    expect(lowerBound(Float64Array.from(ts), t)).toBe(want)
  })

  it('get() returns only the asked range of an entry that covers it', () => {
    const cache = new ChunkCache(1 << 20)
    cache.put(1, 10, 50, cols([10, 20, 30, 40, 50]), cache.generation)
    const hit = cache.get(1, 20, 40)!
    expect([...hit.ts]).toEqual([20, 30, 40])
    expect([...hit.vs]).toEqual([2, 3, 4])
    expect(cache.get(1, 5, 40)).toBeUndefined()
    expect(cache.get(1, 20, 51)).toBeUndefined()
    expect(cache.get(2, 20, 40)).toBeUndefined()
    expect([cache.hits, cache.misses]).toEqual([1, 3])
  })

  it('get() keeps hitting a window that slides forward while the entry reaches the newest chunk', () => {
    const cache = new ChunkCache(1 << 20)
    cache.put(1, 10, Infinity, cols([10, 20, 30]), cache.generation)
    expect([...cache.get(1, 15, 1e12)!.ts]).toEqual([20, 30])
  })

  it('flushed() cuts an entry back to what was on disk before, and drops one starting later', () => {
    const cache = new ChunkCache(1 << 20)
    cache.put(1, 10, Infinity, cols([10, 20, 30]), cache.generation)
    cache.put(2, 100, Infinity, cols([100]), cache.generation)
    cache.flushed(1, 30)
    cache.flushed(2, 50)
    expect(cache.get(1, 10, 30)).toBeDefined()
    expect(cache.get(1, 10, 31)).toBeUndefined()
    expect(cache.get(2, 100, 100)).toBeUndefined()
  })

  it('put() stores nothing when the chunks changed while the read ran', () => {
    const cache = new ChunkCache(1 << 20)
    const seen = cache.generation
    cache.flushed(9, 0)
    cache.put(1, 0, Infinity, cols([1, 2]), seen)
    expect(cache.get(1, 0, 2)).toBeUndefined()
    expect(cache.bytes).toBe(0)
  })

  it('put() evicts the least recently used entries to stay within its bytes', () => {
    // 16 bytes per sample: room for 12 samples, entries of 3.
    const cache = new ChunkCache(12 * 16)
    for (const id of [1, 2, 3, 4]) cache.put(id, 0, 100, cols([1, 2, 3]), cache.generation)
    cache.get(1, 0, 100)
    cache.put(5, 0, 100, cols([1, 2, 3]), cache.generation)
    expect(cache.bytes).toBe(12 * 16)
    expect(cache.get(1, 0, 100)).toBeDefined()
    expect(cache.get(2, 0, 100)).toBeUndefined()
    expect(cache.get(5, 0, 100)).toBeDefined()
  })

  it('put() skips an entry larger than a quarter of the cache, and a cache of size 0', () => {
    const cache = new ChunkCache(8 * 16)
    cache.put(1, 0, 100, cols([1, 2, 3]), cache.generation)
    expect(cache.get(1, 0, 100)).toBeUndefined()
    const off = new ChunkCache(0)
    off.put(1, 0, 100, cols([]), off.generation)
    expect(off.get(1, 0, 100)).toBeUndefined()
  })

  it('clear() empties the cache', () => {
    const cache = new ChunkCache(1 << 20)
    cache.put(1, 0, 100, cols([1]), cache.generation)
    cache.clear()
    expect(cache.get(1, 0, 100)).toBeUndefined()
    expect(cache.bytes).toBe(0)
  })
})
