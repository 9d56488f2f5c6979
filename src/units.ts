/** Parsers for the human units used in settings and query parameters: sizes and durations. */

const sizeUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
}

/** parseSize reads `10MiB`, `512KB`, `1048576` into bytes; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  if (!match) return undefined
  const unit = sizeUnits[match[2]!.toLowerCase()]
  if (unit === undefined) return undefined
  return Math.round(Number(match[1]) * unit)
}

const durationUnits: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** parseDuration reads `30s`, `1h30m`, `250ms`, `7d` into milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim()
  if (trimmed === '0') return 0
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y
  let total = 0
  let index = 0
  while (index < trimmed.length) {
    part.lastIndex = index
    const match = part.exec(trimmed)
    if (!match) return undefined
    total += Number(match[1]) * durationUnits[match[2]!]!
    index = part.lastIndex
  }
  return index === 0 ? undefined : total
}

/** formatDuration renders milliseconds as `3d 4h`, `5m 12s` or `850ms`, two units at most. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  const parts: string[] = []
  let rest = Math.floor(ms / 1000)
  for (const [unit, seconds] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / seconds)
    rest -= n * seconds
    if (n > 0 || (parts.length > 0 && parts.length < 2)) parts.push(`${n}${unit}`)
    if (parts.length === 2) break
  }
  return parts.join(' ')
}

/** formatBytes renders a byte count as `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`
}

/** formatTime renders epoch ms as `2026-11-22 10:00` UTC (with seconds when asked); `-` for none. */
export function formatTime(ms: number | null | undefined, seconds = false): string {
  if (ms === null || ms === undefined) return '-'
  return new Date(ms)
    .toISOString()
    .slice(0, seconds ? 19 : 16)
    .replace('T', ' ')
}
