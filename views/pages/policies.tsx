/** @jsxImportSource hono/jsx */
/**
 * The Policies page: every policy with its kind, source, status, last evaluation, matches and
 * violations, linked incidents and tasks; problems of the policy files on top.
 */
import type { FilesState } from '../../src/policy/service.ts'
import type { PolicyRow } from '../../src/policy/summary.ts'
import { formatDuration, formatTime } from '../../src/units.ts'

const badge: Record<PolicyRow['status'], string> = {
  ok: 'badge success',
  firing: 'badge failure',
  violated: 'badge failure',
  error: 'badge failure',
  disabled: 'badge',
}

/** policyUrl is the page of one policy. */
export function policyUrl(kind: string, name: string): string {
  return `/dashboard/policies/${kind}/${encodeURIComponent(name)}`
}

/** StatusBadge shows a policy's status. */
export function StatusBadge(props: { status: PolicyRow['status'] }) {
  return (
    <span class={badge[props.status]} data-status={props.status}>
      {props.status}
    </span>
  )
}

/** SourceCell says where a policy comes from; file policies are marked "from file". */
export function SourceCell(props: { source: string; file: string | null }) {
  return props.source === 'file' ? (
    <span class="badge" title={props.file ?? ''} data-source="file">
      from file
    </span>
  ) : (
    <span class="muted">API</span>
  )
}

function FileProblems(props: { files: FilesState }) {
  const f = props.files
  if (f.paths.length === 0) return null
  return (
    <section class="panel" id="policy-files">
      <p class="muted">
        {f.files} file{f.files === 1 ? '' : 's'} under <code>{f.paths.join(', ')}</code> give{' '}
        {f.policies} polic{f.policies === 1 ? 'y' : 'ies'}
        {f.loadedAt !== null ? `, read ${formatTime(f.loadedAt, true)}` : ''}.
      </p>
      {f.problems.length > 0 ? (
        <div class="flash error" role="alert">
          <p>
            <strong>Problems in the policy files</strong> (a file with problems keeps what it gave
            before):
          </p>
          <ul>
            {f.problems.map((p) => (
              <li>
                <code>
                  {p.file}:{p.line}:{p.column}
                </code>{' '}
                {p.path ? <code>{p.path}</code> : null} {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  )
}

/** PoliciesPage renders the status table. */
export function PoliciesPage(props: { rows: PolicyRow[]; files: FilesState; canWrite: boolean }) {
  return (
    <>
      <h1>Policies</h1>
      <p class="muted">
        Alert rules notify the <a href="/dashboard/channels">notification channels</a> they name.
      </p>
      <FileProblems files={props.files} />
      <section class="panel">
        {props.canWrite ? (
          <p>
            <a href="/dashboard/policies/new" id="new-policy">
              New policy
            </a>
          </p>
        ) : null}
        {props.rows.length === 0 ? (
          <p class="muted" id="no-policies">
            <strong>No policies yet.</strong> Post one to <code>/api/v1/policies</code> (JSON or
            YAML), create one here, or point <code>VIGIL_POLICY_PATHS</code> at YAML files.
          </p>
        ) : (
          <table class="table" id="policies">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Name</th>
                <th>Source</th>
                <th>Status</th>
                <th>Last evaluation</th>
                <th class="num">Matches</th>
                <th class="num">Violations</th>
                <th class="num">Open incidents</th>
                <th class="num">Pending tasks</th>
                <th class="num">Version</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr data-policy={`${r.policy.kind}/${r.policy.name}`}>
                  <td>{r.policy.kind}</td>
                  <td>
                    <a href={policyUrl(r.policy.kind, r.policy.name)}>{r.policy.name}</a>
                  </td>
                  <td>
                    <SourceCell source={r.policy.source} file={r.policy.file} />
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                    {r.message ? <small class="muted"> {r.message}</small> : null}
                  </td>
                  <td>
                    {r.lastEvalAt === null ? (
                      <span class="muted">not yet</span>
                    ) : (
                      <>
                        {formatTime(r.lastEvalAt, true)}
                        {r.durationMs !== null ? (
                          <small class="muted"> in {formatDuration(r.durationMs)}</small>
                        ) : null}
                      </>
                    )}
                  </td>
                  <td class="num">{r.matches}</td>
                  <td class="num">{r.violations}</td>
                  <td class="num">
                    {r.openIncidents > 0 ? (
                      <a href={`/dashboard/incidents?rule=${encodeURIComponent(r.policy.name)}`}>
                        {r.openIncidents}
                      </a>
                    ) : (
                      0
                    )}
                  </td>
                  <td class="num">
                    {r.pendingTasks > 0 ? (
                      <a
                        href={`/dashboard/remediation?policy=${encodeURIComponent(r.policy.name)}`}
                      >
                        {r.pendingTasks}
                      </a>
                    ) : (
                      0
                    )}
                  </td>
                  <td class="num">{r.policy.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
