/** JSON pointers (RFC 6901) for diff paths, and the `*` globs that ignore rules and conditions use. */

/** escapeSegment escapes one pointer segment: `~` as `~0`, `/` as `~1`. */
export function escapeSegment(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1')
}

/** toPointer joins segments into a JSON pointer (`''` for the whole document). */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + escapeSegment(s)).join('')
}

/** parsePointer splits a JSON pointer into its unescaped segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return []
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
}

/** globMatch matches a name against a pattern where `*` stands for any run of characters. */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value
  const re = new RegExp('^' + pattern.split('*').map(escapeRegex).join('.*') + '$')
  return re.test(value)
}

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
}

/** pointerCovers is true when `pattern` (segments, `*` for any one) is `path` or a parent of it. */
export function pointerCovers(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length > path.length) return false
  return pattern.every((seg, i) => seg === '*' || seg === path[i])
}
