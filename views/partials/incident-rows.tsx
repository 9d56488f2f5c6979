/** @jsxImportSource hono/jsx */
/**
 * Incidents as table rows, newest first: status, severity, title (a link to the incident), rule,
 * when it started, how often it fired, and whether a silence mutes it. The live list re-renders
 * with the same rows.
 */
import type { Incident } from '../../src/incidents/types.ts'
import { formatTime } from '../../src/units.ts'

/** StatusBadge shows an incident's status (and `silenced` beside it). */
export function StatusBadge(props: { incident: Incident }) {
  const i = props.incident
  return (
    <>
      <span class={`badge status-${i.status}`} data-status={i.status}>
        {i.status}
      </span>
      {i.silenceId !== null && i.status !== 'resolved' ? (
        <span class="badge silenced" title={`muted by silence ${i.silenceId}`}>
          silenced
        </span>
      ) : null}
    </>
  )
}

/** IncidentRows renders one row per incident. */
export function IncidentRows(props: { incidents: Incident[] }) {
  return (
    <>
      {props.incidents.map((i) => (
        <tr data-incident={String(i.id)} data-status={i.status}>
          <td>
            <StatusBadge incident={i} />
          </td>
          <td>
            <span class={`level level-${i.severity}`}>{i.severity}</span>
          </td>
          <td>
            <a href={`/dashboard/incidents/${i.id}`}>{i.title}</a>
          </td>
          <td>{i.rule ?? <span class="muted">by hand</span>}</td>
          <td>{formatTime(i.startedAt, true)}</td>
          <td class="num">{i.count}</td>
        </tr>
      ))}
    </>
  )
}
