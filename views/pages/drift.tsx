/** @jsxImportSource hono/jsx */
/**
 * The Drift page: differences between the manifests and the cluster, and compliance violations,
 * newest first, filtered by status, category, least severity and namespace; the scanner's status
 * on top. The URL holds the filters.
 */
import type { StoredFinding } from '../../src/drift/findings-store.ts'
import type { DriftStatus } from '../../src/drift/scanner.ts'
import { severities } from '../../src/drift/types.ts'
import { FindingItems } from '../partials/finding-items.tsx'
import { FilterChoice, FilterSubmit, filterUrl } from '../partials/filters.tsx'

/** DriftView is the state the page shows, read from the URL. */
export interface DriftView {
  status: string
  category: string
  severity: string
  namespace: string
}

/** driftUrl is the page's URL for a view, leaving out empty filters. */
export function driftUrl(view: DriftView, extra: Record<string, string> = {}): string {
  return filterUrl('/dashboard/drift', view, extra)
}

function statusLine(s: DriftStatus): string {
  if (s.state === 'off') return `Drift detection is off: ${s.message}.`
  if (s.state === 'starting') return `Starting: ${s.message}.`
  if (s.state === 'error') return `The last scan failed: ${s.message}`
  const at = s.lastScanAt ? new Date(s.lastScanAt).toISOString().slice(11, 19) : '?'
  const rev = s.revision ? ` at ${s.revision.slice(0, 12)}` : ''
  const unserved = s.unserved.length ? `; not served by the cluster: ${s.unserved.join(', ')}` : ''
  return `${s.manifests} manifests${rev} against ${s.objects} live objects: ${s.message} (scanned ${at} UTC in ${s.durationMs} ms)${unserved}.`
}

/** DriftPage renders the scanner status, the filters and the findings. */
export function DriftPage(props: {
  view: DriftView
  scanner: DriftStatus
  findings: StoredFinding[]
  now: number
  nextUrl?: string | undefined
  error?: string | undefined
  /** The CSRF token, when the principal may propose remediations of findings. */
  proposeCsrf?: string | undefined
}) {
  const v = props.view
  return (
    <>
      <h1>Drift</h1>
      <p class={props.scanner.state === 'error' ? 'error' : 'muted'} id="drift-status">
        {statusLine(props.scanner)}
      </p>
      <section class="panel">
        <form method="get" action="/dashboard/drift" class="filters" id="drift-form">
          <FilterChoice
            name="status"
            label="Status"
            value={v.status}
            options={['open', 'resolved']}
          />
          <FilterChoice
            name="category"
            label="Category"
            value={v.category}
            options={['drift', 'compliance']}
          />
          <FilterChoice name="severity" label="At least" value={v.severity} options={severities} />
          <label>
            Namespace
            <input name="namespace" value={v.namespace} maxlength={253} placeholder="any" />
          </label>
          <FilterSubmit error={props.error} />
        </form>
      </section>
      <section class="panel">
        {props.findings.length === 0 && !props.error ? (
          <p class="muted" id="no-findings">
            <strong>No findings match these filters.</strong> The cluster matches the manifests.
          </p>
        ) : null}
        <ol class="timeline" id="findings">
          <FindingItems
            findings={props.findings}
            now={props.now}
            nextUrl={props.nextUrl}
            proposeCsrf={props.proposeCsrf}
          />
        </ol>
      </section>
    </>
  )
}
