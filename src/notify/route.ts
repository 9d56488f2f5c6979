/**
 * Routing: which channels hear about an incident. The rule that opened the incident names its
 * own channels; then the routes (an ordered list from the notify file) are walked top to bottom,
 * each matching on labels (exact or anchored regex) and severity; the first match ends the walk
 * unless it says `continue`. Pure.
 */
import type { IncidentSnapshot, NotifyEvent, Severity } from './types.ts'

/** Route is one entry of the routing list. */
export interface Route {
  match: Record<string, string>
  matchRe: Record<string, RegExp>
  severities: Severity[]
  channels: string[]
  continue: boolean
  /** repeatIntervalMs overrides VIGIL_NOTIFY_REPEAT_INTERVAL for incidents this route matches. */
  repeatIntervalMs: number | undefined
  /** notifyResolved: also tell these channels when the incident is acknowledged or resolved. */
  notifyResolved: boolean
}

/** RoutePlan is where one incident's notifications go and how often they repeat. */
export interface RoutePlan {
  /** channels maps each channel to whether it hears acknowledge and resolve. */
  channels: Map<string, { notifyResolved: boolean }>
  repeatIntervalMs: number
}

/** routeMatches tells whether a route takes this incident. */
export function routeMatches(route: Route, incident: IncidentSnapshot): boolean {
  if (route.severities.length > 0 && !route.severities.includes(incident.severity)) return false
  for (const [name, value] of Object.entries(route.match)) {
    if (incident.labels[name] !== value) return false
  }
  for (const [name, re] of Object.entries(route.matchRe)) {
    if (!re.test(incident.labels[name] ?? '')) return false
  }
  return true
}

/**
 * planRoute combines the rule's own channels (which hear every event) with the matching routes'.
 * The repeat interval is the shortest a matching route asks for, else `defaultRepeatMs`.
 */
export function planRoute(
  routes: readonly Route[],
  incident: IncidentSnapshot,
  explicit: readonly string[],
  defaultRepeatMs: number,
): RoutePlan {
  const channels = new Map<string, { notifyResolved: boolean }>()
  for (const name of explicit) channels.set(name, { notifyResolved: true })
  let repeat: number | undefined
  for (const route of routes) {
    if (!routeMatches(route, incident)) continue
    for (const name of route.channels) {
      const had = channels.get(name)
      channels.set(name, { notifyResolved: (had?.notifyResolved ?? false) || route.notifyResolved })
    }
    if (route.repeatIntervalMs !== undefined)
      repeat =
        repeat === undefined ? route.repeatIntervalMs : Math.min(repeat, route.repeatIntervalMs)
    if (!route.continue) break
  }
  return { channels, repeatIntervalMs: repeat ?? defaultRepeatMs }
}

/** recipients lists the channels of a plan that hear `event`. */
export function recipients(plan: RoutePlan, event: NotifyEvent): string[] {
  const all = [...plan.channels.entries()]
  if (event === 'acknowledged' || event === 'resolved')
    return all.filter(([, c]) => c.notifyResolved).map(([name]) => name)
  return all.map(([name]) => name)
}
