/** SQL over `notify_incidents`: open incidents that are reminded of until acknowledged or resolved. */
import type { Client, InStatement } from '@libsql/client'
import type { IncidentSnapshot } from './types.ts'

/** Tracked is an open incident with where its reminders go and when the next is due. */
export interface Tracked {
  incident: IncidentSnapshot
  channels: string[]
  repeatIntervalMs: number
  nextRepeatAt: number
  repeats: number
}

/** trackStatement starts (or restarts) reminders for an incident. */
export function trackStatement(
  incident: IncidentSnapshot,
  channels: string[],
  repeatIntervalMs: number,
  now: number,
): InStatement {
  return {
    sql: `INSERT INTO notify_incidents (incident_id, snapshot, channels, repeat_interval_ms,
        next_repeat_at, repeats, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?)
      ON CONFLICT (incident_id) DO UPDATE SET snapshot = excluded.snapshot,
        channels = excluded.channels, repeat_interval_ms = excluded.repeat_interval_ms,
        next_repeat_at = excluded.next_repeat_at, repeats = 0, updated_at = excluded.updated_at`,
    args: [
      incident.id,
      JSON.stringify(incident),
      JSON.stringify(channels),
      repeatIntervalMs,
      now + repeatIntervalMs,
      now,
    ],
  }
}

/** untrackStatement ends reminders for an incident (acknowledged or resolved). */
export function untrackStatement(incidentId: string): InStatement {
  return { sql: 'DELETE FROM notify_incidents WHERE incident_id = ?', args: [incidentId] }
}

/** bumpStatement records that reminder `repeats` was enqueued and schedules the next one. */
export function bumpStatement(t: Tracked, now: number): InStatement {
  return {
    sql: `UPDATE notify_incidents SET repeats = ?, next_repeat_at = ?, updated_at = ?
      WHERE incident_id = ? AND repeats = ?`,
    args: [t.repeats + 1, now + t.repeatIntervalMs, now, t.incident.id, t.repeats],
  }
}

/** dueRepeats lists incidents whose next reminder is due at `now`. */
export async function dueRepeats(client: Client, now: number, limit: number): Promise<Tracked[]> {
  const res = await client.execute({
    sql: `SELECT * FROM notify_incidents WHERE next_repeat_at <= ? ORDER BY next_repeat_at LIMIT ?`,
    args: [now, limit],
  })
  return res.rows.map((r) => ({
    incident: JSON.parse(String(r.snapshot)) as IncidentSnapshot,
    channels: JSON.parse(String(r.channels)) as string[],
    repeatIntervalMs: Number(r.repeat_interval_ms),
    nextRepeatAt: Number(r.next_repeat_at),
    repeats: Number(r.repeats),
  }))
}
