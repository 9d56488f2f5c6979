/** Drift findings and compliance violations over HTTP: the list (newest first, cursor paging) and one finding. */
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { NotFoundError, ValidationError } from '../errors.ts'
import { pageOf, readCursor } from '../http/page-cursor.ts'
import { limit } from '../http/params.ts'
import { parseQuery } from '../http/validate.ts'
import {
  findingById,
  maxFindingId,
  selectFindings,
  type FindingCategory,
  type StoredFinding,
} from './findings-store.ts'
import { severities, type Severity } from './types.ts'

/** presentFinding is a finding as the API shows it: times in RFC 3339. */
export function presentFinding(f: StoredFinding) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  return {
    id: f.id,
    category: f.category,
    type: f.type,
    severity: f.severity,
    status: f.status,
    resource: f.resource,
    diffs: f.diffs,
    owned_elsewhere: f.ownedElsewhere,
    ...(f.category === 'compliance'
      ? { policy: f.policy, rule: f.rule, path: f.path, message: f.message }
      : {}),
    source: f.source,
    revision: f.revision,
    first_seen: iso(f.firstSeen),
    last_seen: iso(f.lastSeen),
    resolved_at: iso(f.resolvedAt),
  }
}

/** FindingQuery is a parsed query of findings. */
export interface FindingQuery {
  status?: 'open' | 'resolved' | undefined
  category?: FindingCategory | undefined
  severity?: Severity | undefined
  namespace?: string | undefined
  kind?: string | undefined
  limit: number
  cursor?: string | undefined
}

const findingsQuery = z.object({
  status: z.enum(['open', 'resolved'], { error: 'must be open or resolved' }).optional(),
  category: z.enum(['drift', 'compliance'], { error: 'must be drift or compliance' }).optional(),
  severity: z.enum(severities, { error: `must be one of ${severities.join(', ')}` }).optional(),
  namespace: z.string().max(253).optional(),
  kind: z.string().max(253).optional(),
  limit: limit(100, 1000),
  cursor: z.string().max(100).optional(),
})

/** queryFindings reads one page of findings; `severity` is the least severity shown. */
export async function queryFindings(c: { var: AppEnv['Variables'] }, q: FindingQuery) {
  const client = c.var.deps.db.client
  const cursor = readCursor(q.cursor)
  const snapshot = cursor?.snapshot ?? (await maxFindingId(client))
  const rows = await selectFindings(client, {
    status: q.status,
    category: q.category,
    minSeverity: q.severity,
    namespace: q.namespace,
    kind: q.kind,
    snapshot,
    after: cursor,
    limit: q.limit + 1,
  })
  const page = pageOf(rows, q.limit, snapshot)
  return { findings: page.rows, has_more: page.has_more, next_cursor: page.next_cursor }
}

/** driftRoutes is mounted at the root of the app. */
export const driftRoutes = new Hono<AppEnv>()
  .get('/api/v1/drift', requires('drift:read'), async (c) => {
    const q = parseQuery(c, findingsQuery)
    const page = await queryFindings(c, q)
    await auditRead(c, 'drift.query', { status: q.status, returned: page.findings.length })
    return c.json({
      ...page,
      findings: page.findings.map(presentFinding),
      scanner: c.var.deps.drift.status,
    })
  })
  .get('/api/v1/drift/:id', requires('drift:read'), async (c) => {
    const id = c.req.param('id')
    if (!/^[0-9]{1,15}$/.test(id)) throw new ValidationError('id: must be the number of a finding')
    const finding = await findingById(c.var.deps.db.client, Number(id))
    if (!finding) throw new NotFoundError(`no drift finding ${c.req.param('id')}`)
    await auditRead(c, 'drift.read', { id: finding.id })
    return c.json(presentFinding(finding))
  })
