/** @jsxImportSource hono/jsx */
/**
 * Drift findings and compliance violations as timeline items, newest first: severity, type, the
 * resource, and on expand the side-by-side diff (path, desired, live, why it counts), the fields
 * owned elsewhere, the file and revision. The same items answer "load older".
 */
import type { StoredFinding } from '../../src/drift/findings-store.ts'
import { formatDuration } from '../../src/units.ts'
import { suggestForFinding } from '../../src/remediation/suggest.ts'
import { LoadOlder } from './load-older.tsx'

/** ProposeFix is one finding's form proposing its remediation (for remediation:execute). */
function ProposeFix(props: { finding: StoredFinding; csrf: string }) {
  const f = props.finding
  if (f.category !== 'drift' || f.status !== 'open') return null
  const s = suggestForFinding(f)
  return (
    <form
      method="post"
      action="/dashboard/remediation/propose"
      class="propose-fix"
      data-finding={String(f.id)}
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="action" value={s.action} />
      <input
        type="hidden"
        name="reason"
        value={`drift finding #${f.id}: ${f.type} ${resourceName(f)}`}
      />
      {s.note ? <p class="muted">{s.note}</p> : null}
      <label>
        Params of <code>{s.action}</code> (JSON)
        <textarea name="params" rows={6} cols={60} spellcheck={false}>
          {JSON.stringify(s.params, null, 2)}
        </textarea>
      </label>
      <button type="submit" data-action={s.action}>
        Propose {s.action}
      </button>
    </form>
  )
}

const shown = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v)

function resourceName(f: StoredFinding): string {
  const r = f.resource
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`
}

/** FindingItem renders one finding; every value is escaped text, never markup. */
export function FindingItem(props: {
  finding: StoredFinding
  now: number
  /** The CSRF token, when the principal may propose a remediation (remediation:execute). */
  proposeCsrf?: string | undefined
}) {
  const f = props.finding
  const age = formatDuration(Math.max(0, (f.resolvedAt ?? props.now) - f.firstSeen))
  const iso = new Date(f.firstSeen).toISOString()
  return (
    <li
      class="event finding"
      data-severity={f.severity}
      data-id={String(f.id)}
      data-status={f.status}
    >
      <details>
        <summary>
          <time datetime={iso}>{iso.slice(0, 19).replace('T', ' ')}</time>
          <span class={`level level-${f.severity}`}>{f.severity}</span>
          <code class="event-source">{f.type}</code>
          <strong class="event-subject">{resourceName(f)}</strong>
          <span class="event-message">
            {f.category === 'compliance'
              ? `${f.rule}: ${f.message}`
              : f.type === 'mismatch'
                ? `${f.diffs.length} field${f.diffs.length === 1 ? '' : 's'} differ`
                : f.type === 'missing'
                  ? 'declared in git, not in the cluster'
                  : 'in the cluster, declared nowhere'}
            {f.status === 'resolved' ? ` (resolved after ${age})` : ` (open ${age})`}
          </span>
        </summary>
        {f.diffs.length > 0 ? (
          <table class="diff">
            <thead>
              <tr>
                <th>path</th>
                <th>desired (git)</th>
                <th>live (cluster)</th>
                <th>why</th>
              </tr>
            </thead>
            <tbody>
              {f.diffs.map((d) => (
                <tr>
                  <td>
                    <code>{d.path}</code>
                  </td>
                  <td class="desired">
                    <code>{shown(d.desired)}</code>
                  </td>
                  <td class="live">
                    <code>{shown(d.live)}</code>
                  </td>
                  <td>{d.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <dl class="line-detail">
          <dt>apiVersion</dt>
          <dd>
            <code>{f.resource.apiVersion}</code>
          </dd>
          {f.category === 'compliance' ? (
            <>
              <dt>Rule</dt>
              <dd>
                {f.policy}/{f.rule} at <code>{f.path}</code>
              </dd>
            </>
          ) : null}
          {f.ownedElsewhere.length > 0 ? (
            <>
              <dt>Owned elsewhere</dt>
              <dd>
                {f.ownedElsewhere.map((o) => (
                  <div>
                    <code>{o.path}</code> by {o.managers.join(', ')}: {shown(o.live)} (git says{' '}
                    {shown(o.desired)})
                  </div>
                ))}
              </dd>
            </>
          ) : null}
          <dt>Declared in</dt>
          <dd>{f.source ? <code>{`${f.source.file}:${f.source.line}`}</code> : 'nowhere'}</dd>
          <dt>Revision</dt>
          <dd>{f.revision ? <code>{f.revision.slice(0, 12)}</code> : '—'}</dd>
          <dt>Last seen</dt>
          <dd>{new Date(f.lastSeen).toISOString()}</dd>
          {f.resolvedAt !== null ? (
            <>
              <dt>Resolved</dt>
              <dd>{new Date(f.resolvedAt).toISOString()}</dd>
            </>
          ) : null}
        </dl>
        {props.proposeCsrf !== undefined ? (
          <ProposeFix finding={f} csrf={props.proposeCsrf} />
        ) : null}
      </details>
    </li>
  )
}

/** FindingItems renders a page of findings and, when there are older ones, the button for them. */
export function FindingItems(props: {
  findings: StoredFinding[]
  now: number
  nextUrl?: string | undefined
  error?: string | undefined
  proposeCsrf?: string | undefined
}) {
  return (
    <>
      {props.findings.map((finding) => (
        <FindingItem finding={finding} now={props.now} proposeCsrf={props.proposeCsrf} />
      ))}
      <LoadOlder nextUrl={props.nextUrl} error={props.error} />
    </>
  )
}
