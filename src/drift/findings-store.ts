/**
 * SQL over `drift_findings`: syncing the findings of a scan (new ones open, lasting ones are
 * touched, vanished ones resolve) and reading them back, newest first, with cursor paging.
 */
import type { Client, InStatement, Row } from '@libsql/client'
import type { Violation } from './compliance/evaluate.ts'
import {
  severities,
  type Diff,
  type Finding,
  type OwnedElsewhere,
  type ResourceRef,
  type Severity,
  type Source,
} from './types.ts'

/** FindingCategory separates drift from compliance violations on the same page and API. */
export type FindingCategory = 'drift' | 'compliance'

/** Entry is one finding of a scan: a drift finding or a compliance violation. */
export type Entry =
  { category: 'drift'; finding: Finding } | { category: 'compliance'; violation: Violation }

/** StoredFinding is a finding as stored and shown. */
export interface StoredFinding {
  id: number
  key: string
  category: FindingCategory
  type: string
  severity: Severity
  resource: ResourceRef
  diffs: Diff[]
  ownedElsewhere: OwnedElsewhere[]
  policy: string | null
  rule: string | null
  path: string | null
  message: string | null
  source: Source | null
  revision: string | null
  status: 'open' | 'resolved'
  firstSeen: number
  lastSeen: number
  resolvedAt: number | null
}

interface Shaped {
  key: string
  category: FindingCategory
  type: string
  severity: Severity
  resource: ResourceRef
  detail: string
  revision: string | null
}

function shape(e: Entry): Shaped {
  if (e.category === 'drift') {
    const f = e.finding
    return {
      key: f.key,
      category: 'drift',
      type: f.type,
      severity: f.severity,
      resource: f.resource,
      detail: JSON.stringify({
        diffs: f.diffs,
        ownedElsewhere: f.ownedElsewhere,
        source: f.source,
      }),
      revision: f.revision,
    }
  }
  const v = e.violation
  return {
    key: `violation:${v.key}`,
    category: 'compliance',
    type: 'violation',
    severity: v.severity,
    resource: v.resource,
    detail: JSON.stringify({
      policy: v.policy,
      rule: v.rule,
      path: v.path,
      message: v.message,
      source: v.source,
    }),
    revision: null,
  }
}

/** touchAfterMs: a lasting finding's last_seen is rewritten at most this often (or when it changes). */
const touchAfterMs = 60_000

/** SyncResult says what a scan changed. */
export interface SyncResult {
  opened: StoredFinding[]
  resolved: StoredFinding[]
  open: number
}

interface OpenEntry {
  finding: StoredFinding
  detail: string
}

/**
 * FindingsLedger stores the findings of successive scans: new ones open, lasting ones are touched
 * (when they change, or once a minute), vanished ones resolve. It keeps the open findings in
 * memory after reading them once, so a scan writes only what changed: the scanner is the only
 * writer of `drift_findings`.
 */
export class FindingsLedger {
  private open: Map<string, OpenEntry> | undefined

  constructor(private readonly client: Client) {}

  /** sync stores a scan's findings at `now` and returns what opened and what resolved. */
  async sync(entries: Entry[], now: number): Promise<SyncResult> {
    if (!this.open) {
      const rows = await this.client.execute("SELECT * FROM drift_findings WHERE status = 'open'")
      this.open = new Map(
        rows.rows.map((r) => [String(r.key), { finding: toFinding(r), detail: String(r.detail) }]),
      )
    }
    const open = this.open
    const current = new Map(
      entries.map((e) => {
        const s = shape(e)
        return [s.key, s] as const
      }),
    )
    const statements: InStatement[] = []
    const resolved: StoredFinding[] = []
    for (const [key, { finding }] of open) {
      if (current.has(key)) continue
      statements.push({
        sql: "UPDATE drift_findings SET status = 'resolved', resolved_at = ? WHERE id = ?",
        args: [now, finding.id],
      })
      resolved.push({ ...finding, status: 'resolved', resolvedAt: now })
    }
    const fresh: Shaped[] = []
    const touched: [OpenEntry, Shaped][] = []
    for (const [key, s] of current) {
      const entry = open.get(key)
      if (!entry) {
        fresh.push(s)
        continue
      }
      const f = entry.finding
      const changed =
        entry.detail !== s.detail || f.severity !== s.severity || f.revision !== s.revision
      if (changed || now - f.lastSeen >= touchAfterMs) {
        statements.push({
          sql: 'UPDATE drift_findings SET last_seen = ?, severity = ?, detail = ?, revision = ? WHERE id = ?',
          args: [now, s.severity, s.detail, s.revision, f.id],
        })
        touched.push([entry, s])
      }
    }
    // New findings in one statement over a JSON array: a first scan may open thousands.
    if (fresh.length > 0) {
      const rows = fresh.map((s) => [
        s.key,
        s.category,
        s.type,
        s.severity,
        s.resource.apiVersion,
        s.resource.kind,
        s.resource.namespace,
        s.resource.name,
        s.detail,
        s.revision,
      ])
      const col = (i: number) => `json_extract(j.value, '$[${i}]')`
      statements.push({
        sql: `INSERT INTO drift_findings (key, category, type, severity, api_version, kind, namespace, name,
            detail, revision, status, first_seen, last_seen)
          SELECT ${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(col).join(', ')}, 'open', ?, ?
          FROM json_each(?) j ORDER BY j.key RETURNING *`,
        args: [now, now, JSON.stringify(rows)],
      })
    }
    const results = statements.length ? await this.client.batch(statements, 'write') : []
    // Only once the batch is committed does memory follow it.
    const opened = fresh.length ? results.at(-1)!.rows.map(toFinding) : []
    opened.sort((a, b) => a.id - b.id)
    const details = new Map(fresh.map((f) => [f.key, f.detail]))
    for (const f of resolved) open.delete(f.key)
    for (const [entry, s] of touched) {
      const updated = toFindingFrom(entry.finding, s, now)
      open.set(s.key, { finding: updated, detail: s.detail })
    }
    for (const f of opened) open.set(f.key, { finding: f, detail: details.get(f.key)! })
    return { opened, resolved, open: open.size }
  }

  /** counts counts the open findings by category, type and severity (for Prometheus). */
  counts(): { category: string; type: string; severity: string; n: number }[] {
    const by = new Map<string, { category: string; type: string; severity: string; n: number }>()
    for (const { finding: f } of this.open?.values() ?? []) {
      const k = `${f.category}|${f.type}|${f.severity}`
      const c = by.get(k)
      if (c) c.n++
      else by.set(k, { category: f.category, type: f.type, severity: f.severity, n: 1 })
    }
    return [...by.values()]
  }
}

function toFindingFrom(f: StoredFinding, s: Shaped, now: number): StoredFinding {
  const d = JSON.parse(s.detail) as Record<string, unknown>
  return { ...f, ...detailFields(d), severity: s.severity, revision: s.revision, lastSeen: now }
}

/** SelectFindings is a resolved query of findings. */
export interface SelectFindings {
  status?: 'open' | 'resolved' | undefined
  category?: FindingCategory | undefined
  minSeverity?: Severity | undefined
  namespace?: string | undefined
  kind?: string | undefined
  snapshot: number
  after?: { ts: number; id: number } | undefined
  limit: number
}

/** selectFindings reads findings newest first (first seen desc, id desc). */
export async function selectFindings(
  client: Client,
  q: SelectFindings,
): Promise<(StoredFinding & { ts: number })[]> {
  const where = ['id <= ?']
  const args: (string | number)[] = [q.snapshot]
  if (q.status) (where.push('status = ?'), args.push(q.status))
  if (q.category) (where.push('category = ?'), args.push(q.category))
  if (q.namespace !== undefined) (where.push('namespace = ?'), args.push(q.namespace))
  if (q.kind !== undefined) (where.push('kind = ?'), args.push(q.kind))
  if (q.minSeverity) {
    const wanted = severities.slice(severities.indexOf(q.minSeverity))
    where.push(`severity IN (${wanted.map(() => '?').join(', ')})`)
    args.push(...wanted)
  }
  if (q.after) {
    where.push('(first_seen < ? OR (first_seen = ? AND id < ?))')
    args.push(q.after.ts, q.after.ts, q.after.id)
  }
  args.push(q.limit)
  const rows = await client.execute({
    sql: `SELECT * FROM drift_findings WHERE ${where.join(' AND ')} ORDER BY first_seen DESC, id DESC LIMIT ?`,
    args,
  })
  return rows.rows.map((r) => ({ ...toFinding(r), ts: Number(r.first_seen) }))
}

/** findingById reads one finding; undefined when there is none. */
export async function findingById(client: Client, id: number): Promise<StoredFinding | undefined> {
  const rows = await client.execute({
    sql: 'SELECT * FROM drift_findings WHERE id = ?',
    args: [id],
  })
  return rows.rows[0] ? toFinding(rows.rows[0]) : undefined
}

/** maxFindingId is the largest id (0 when empty): the snapshot of a first page. */
export async function maxFindingId(client: Client): Promise<number> {
  const rows = await client.execute('SELECT coalesce(max(id), 0) AS id FROM drift_findings')
  return Number(rows.rows[0]?.id ?? 0)
}

function detailFields(d: Record<string, unknown>) {
  return {
    diffs: (d.diffs as Diff[] | undefined) ?? [],
    ownedElsewhere: (d.ownedElsewhere as OwnedElsewhere[] | undefined) ?? [],
    policy: (d.policy as string | undefined) ?? null,
    rule: (d.rule as string | undefined) ?? null,
    path: (d.path as string | undefined) ?? null,
    message: (d.message as string | undefined) ?? null,
    source: (d.source as Source | null | undefined) ?? null,
  }
}

function toFinding(r: Row): StoredFinding {
  const d = JSON.parse(String(r.detail)) as Record<string, unknown>
  return {
    id: Number(r.id),
    key: String(r.key),
    category: String(r.category) as FindingCategory,
    type: String(r.type),
    severity: String(r.severity) as Severity,
    resource: {
      apiVersion: String(r.api_version),
      kind: String(r.kind),
      namespace: r.namespace === null ? null : String(r.namespace),
      name: String(r.name),
    },
    ...detailFields(d),
    revision: r.revision === null ? null : String(r.revision),
    status: String(r.status) as 'open' | 'resolved',
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
  }
}
