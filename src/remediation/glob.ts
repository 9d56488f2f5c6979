/** The name globs of AccessPolicy and RemediationPolicy fields: `*` any run, `?` one character. */

const cache = new Map<string, RegExp>()

/** globMatch tells whether `value` matches `pattern` (`prod-*`, `api-?`); without wildcards, equality. */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value
  let re = cache.get(pattern)
  if (!re) {
    const body = [...pattern]
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')
    re = new RegExp(`^${body}$`, 's')
    // Policies hold a bounded number of patterns; the cache only avoids recompiling them.
    if (cache.size > 10_000) cache.clear()
    cache.set(pattern, re)
  }
  return re.test(value)
}

/** anyGlob tells whether `value` matches one of `patterns`. */
export function anyGlob(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => globMatch(p, value))
}
