/** @jsxImportSource hono/jsx */
/**
 * One policy: its YAML, status and version history, with enable / disable for API policies; and
 * the editor (a YAML textarea) that creates or updates one, showing each problem with its line.
 */
import type { BodyIssue } from '../../src/policy/body.ts'
import type { PolicyRow } from '../../src/policy/summary.ts'
import type { PolicyVersion } from '../../src/policy/types.ts'
import { formatTime } from '../../src/units.ts'
import { policyUrl, SourceCell, StatusBadge } from './policies.tsx'

function Csrf(props: { token: string | undefined }) {
  return props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null
}

/** PolicyPage shows one policy. */
export function PolicyPage(props: {
  row: PolicyRow
  yaml: string
  versions: PolicyVersion[]
  canWrite: boolean
  csrf: string | undefined
}) {
  const p = props.row.policy
  const editable = props.canWrite && p.source === 'api'
  return (
    <>
      <h1>
        {p.kind} {p.name}
      </h1>
      <section class="panel" id="policy-summary">
        <p>
          <SourceCell source={p.source} file={p.file} /> <StatusBadge status={props.row.status} />{' '}
          version {p.version}, changed {formatTime(p.updatedAt, true)} by {p.updatedBy}
        </p>
        {p.source === 'file' ? (
          <p class="muted" id="read-only">
            Loaded from <code>{p.file}</code>: read-only here; change the file instead.
          </p>
        ) : null}
        {editable ? (
          <div class="actions">
            <a href={`${policyUrl(p.kind, p.name)}/edit`}>Edit</a>{' '}
            <form method="post" action={`${policyUrl(p.kind, p.name)}/enabled`} class="inline">
              <Csrf token={props.csrf} />
              <input type="hidden" name="enabled" value={p.enabled ? 'false' : 'true'} />
              <input type="hidden" name="version" value={String(p.version)} />
              <button type="submit">{p.enabled ? 'Disable' : 'Enable'}</button>
            </form>
          </div>
        ) : null}
      </section>
      <section class="panel">
        <h2>YAML</h2>
        <pre id="policy-yaml">
          <code>{props.yaml}</code>
        </pre>
      </section>
      <section class="panel">
        <h2>History</h2>
        <table class="table" id="policy-versions">
          <thead>
            <tr>
              <th class="num">Version</th>
              <th>Change</th>
              <th>By</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {props.versions.map((v) => (
              <tr data-version={String(v.version)}>
                <td class="num">{v.version}</td>
                <td>{v.change}</td>
                <td>
                  {v.changedBy} <small class="muted">{v.changedByType}</small>
                </td>
                <td>{formatTime(v.changedAt, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  )
}

/** EditorProps are the editor's state: the text, and what it edits when it is an update. */
export interface EditorProps {
  yaml: string
  editing?: { kind: string; name: string; version: number } | undefined
  issues?: BodyIssue[] | undefined
  error?: string | undefined
  csrf: string | undefined
}

/** PolicyEditor is the form that creates (or, with `editing`, updates) a policy from YAML. */
export function PolicyEditor(props: EditorProps) {
  const e = props.editing
  return (
    <>
      <h1>{e ? `Edit ${e.kind} ${e.name}` : 'New policy'}</h1>
      <section class="panel">
        <form method="post" action="/dashboard/policies/save" id="policy-editor" class="stack">
          <Csrf token={props.csrf} />
          {e ? (
            <>
              <input type="hidden" name="kind" value={e.kind} />
              <input type="hidden" name="name" value={e.name} />
              <input type="hidden" name="version" value={String(e.version)} />
            </>
          ) : null}
          {props.error ? (
            <div class="flash error" role="alert" id="policy-problems">
              <p>{props.error}</p>
              {props.issues?.length ? (
                <ul>
                  {props.issues.map((i) => (
                    <li>
                      {i.line !== undefined ? `line ${i.line}: ` : ''}
                      {i.path ? <code>{i.path}</code> : null} {i.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <label>
            YAML (one policy: apiVersion, kind, metadata, spec)
            <textarea name="yaml" rows={24} cols={100} spellcheck={false} required>
              {props.yaml}
            </textarea>
          </label>
          <button type="submit" class="primary">
            {e ? 'Save' : 'Create'}
          </button>
        </form>
      </section>
    </>
  )
}
