import { describe, expect, it } from 'bun:test'
import { formatBytes, formatDuration, parseDuration, parseSize } from '../src/units.ts'

describe('units', () => {
  it.each([
    ['10MiB', 10 * 1024 * 1024],
    ['512KiB', 512 * 1024],
    ['1048576', 1048576],
    ['2 GB', 2_000_000_000],
    ['1.5kib', 1536],
    ['10 mb', 10_000_000],
  ])('parseSize(%p) returns %p bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes)
  })

  it.each(['', 'ten', '10XB', '-5', '1e6', 'MiB'])('parseSize(%p) returns undefined', (text) => {
    expect(parseSize(text)).toBeUndefined()
  })

  it.each([
    ['30s', 30_000],
    ['250ms', 250],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    ['0', 0],
  ])('parseDuration(%p) returns %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '30', 's', '1h 30m', '-1s', '5x'])('parseDuration(%p) returns undefined', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })

  it.each([
    [850, '850ms'],
    [5_000, '5s'],
    [3_723_000, '1h 2m'],
    [90_061_000, '1d 1h'],
  ])('formatDuration(%p) returns %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it.each([
    [512, '512 B'],
    [2048, '2.0 KiB'],
    [5 * 1024 * 1024, '5.0 MiB'],
  ])('formatBytes(%p) returns %p', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})
