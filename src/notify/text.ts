/** Shared wording of notifications: the headline, the link back, labels in order, truncation. Pure. */
import type { Notification, NotifyEvent, RenderContext, Severity } from './types.ts'

const verbs: Record<NotifyEvent, string> = {
  triggered: 'TRIGGERED',
  acknowledged: 'ACKNOWLEDGED',
  resolved: 'RESOLVED',
  repeat: 'STILL FIRING',
  test: 'TEST',
}

/** eventWord is the upper-case word a notification opens with (`TRIGGERED`, `RESOLVED`…). */
export function eventWord(event: NotifyEvent): string {
  return verbs[event]
}

/** headline is the one-line summary: `[TRIGGERED] high: title`. */
export function headline(n: Notification): string {
  return `[${eventWord(n.event)}] ${n.incident.severity}: ${n.incident.title}`
}

/** incidentUrl is the incident's own url, else VIGIL_PUBLIC_URL + /incidents/{id}, else undefined. */
export function incidentUrl(n: Notification, ctx: RenderContext): string | undefined {
  if (n.incident.url) return n.incident.url
  if (!ctx.publicUrl) return undefined
  return `${ctx.publicUrl.replace(/\/+$/, '')}/incidents/${encodeURIComponent(n.incident.id)}`
}

/** sortedEntries lists a record's entries by key, so messages read the same every time. */
export function sortedEntries(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** truncate shortens `text` to at most `max` characters, ending in `…` when it cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`
}

/** severityColors are the Slack attachment colours (and the e-mail accent) by severity. */
export const severityColors: Record<Severity, string> = {
  critical: '#d00000',
  high: '#e8590c',
  medium: '#f2c744',
  low: '#439fe0',
}

/** resolvedColor is the colour of a resolved incident. */
export const resolvedColor = '#2eb67d'

/** colorOf picks the colour for a notification: green once resolved, else by severity. */
export function colorOf(n: Notification): string {
  return n.event === 'resolved' ? resolvedColor : severityColors[n.incident.severity]
}
