/**
 * Silence matching, pure: a silence matches labels when every matcher does; a missing label reads
 * as the empty string (as in Alertmanager), and regexes are anchored to the whole value.
 */
import type { LabelMatcher, Silence, SilenceState } from './types.ts'

const compiled = new Map<string, RegExp>()

/** anchored compiles a matcher regex anchored at both ends; it throws when the pattern is invalid. */
export function anchored(pattern: string): RegExp {
  let re = compiled.get(pattern)
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u')
    if (compiled.size > 1000) compiled.clear()
    compiled.set(pattern, re)
  }
  return re
}

/** matcherMatches tests one matcher against a label set. */
export function matcherMatches(m: LabelMatcher, labels: Record<string, string>): boolean {
  const value = labels[m.name] ?? ''
  switch (m.op) {
    case '=':
      return value === m.value
    case '!=':
      return value !== m.value
    case '=~':
      return anchored(m.value).test(value)
    case '!~':
      return !anchored(m.value).test(value)
  }
}

/** silenceMatches tells whether every matcher of a silence matches the labels. */
export function silenceMatches(s: Pick<Silence, 'matchers'>, labels: Record<string, string>) {
  return s.matchers.length > 0 && s.matchers.every((m) => matcherMatches(m, labels))
}

/** silenceState is where a silence stands at `now`: pending before it starts, expired from its end. */
export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: number): SilenceState {
  if (now >= s.endsAt) return 'expired'
  return now < s.startsAt ? 'pending' : 'active'
}

/** silencing picks the active silence that mutes these labels (the one ending last), if any. */
export function silencing(
  list: readonly Silence[],
  labels: Record<string, string>,
  now: number,
): Silence | undefined {
  let found: Silence | undefined
  for (const s of list) {
    if (silenceState(s, now) !== 'active' || !silenceMatches(s, labels)) continue
    if (!found || s.endsAt > found.endsAt) found = s
  }
  return found
}

/** formatMatchers writes matchers the way people type them: `{service="web", env=~"prod.*"}`. */
export function formatMatchers(list: readonly LabelMatcher[]): string {
  return `{${list.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ')}}`
}
