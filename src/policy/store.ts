/** SQL over the `policies` and `policy_versions` tables; returns domain types. */
import type { InStatement, ResultSet, Row } from '@libsql/client'
import type { ActorType } from '../audit/types.ts'
import type { PolicyDocument } from './envelope.ts'
import type { PolicyKind } from './kinds/index.ts'
import type {
  ChangeType,
  PolicyFilter,
  PolicySource,
  PolicyVersion,
  StoredPolicy,
} from './types.ts'

/** Sql is a client or an open transaction. */
export interface Sql {
  execute(stmt: InStatement): Promise<ResultSet>
}

/** selectPolicies reads the current policies, by kind then name. */
export async function selectPolicies(sql: Sql, filter: PolicyFilter = {}): Promise<StoredPolicy[]> {
  const where: string[] = []
  const args: (string | number)[] = []
  if (filter.kind !== undefined) (where.push('kind = ?'), args.push(filter.kind))
  if (filter.enabled !== undefined) (where.push('enabled = ?'), args.push(filter.enabled ? 1 : 0))
  if (filter.source !== undefined) (where.push('source = ?'), args.push(filter.source))
  const rows = await sql.execute({
    sql: `SELECT * FROM policies ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY kind, name`,
    args,
  })
  return rows.rows.map(toPolicy)
}

/** selectPolicy reads one current policy. */
export async function selectPolicy(
  sql: Sql,
  kind: PolicyKind,
  name: string,
): Promise<StoredPolicy | undefined> {
  const rows = await sql.execute({
    sql: 'SELECT * FROM policies WHERE kind = ? AND name = ?',
    args: [kind, name],
  })
  return rows.rows[0] ? toPolicy(rows.rows[0]) : undefined
}

/** selectVersions reads every kept version of a policy, newest first. */
export async function selectVersions(
  sql: Sql,
  kind: PolicyKind,
  name: string,
): Promise<PolicyVersion[]> {
  const rows = await sql.execute({
    sql: 'SELECT * FROM policy_versions WHERE kind = ? AND name = ? ORDER BY version DESC',
    args: [kind, name],
  })
  return rows.rows.map(toVersion)
}

/** lastVersion is the highest version a policy ever had (0 if never): deleted ones count. */
export async function lastVersion(sql: Sql, kind: PolicyKind, name: string): Promise<number> {
  const rows = await sql.execute({
    sql: 'SELECT coalesce(max(version), 0) AS v FROM policy_versions WHERE kind = ? AND name = ?',
    args: [kind, name],
  })
  return Number(rows.rows[0]?.v ?? 0)
}

/** upsertPolicy writes the current row of a policy. */
export async function upsertPolicy(sql: Sql, p: StoredPolicy): Promise<void> {
  await sql.execute({
    sql: `INSERT INTO policies (kind, name, version, enabled, source, file, document, created_at,
        created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (kind, name) DO UPDATE SET version = excluded.version,
        enabled = excluded.enabled, source = excluded.source, file = excluded.file,
        document = excluded.document, updated_at = excluded.updated_at,
        updated_by = excluded.updated_by`,
    args: [
      p.kind,
      p.name,
      p.version,
      p.enabled ? 1 : 0,
      p.source,
      p.file,
      JSON.stringify(p.document),
      p.createdAt,
      p.createdBy,
      p.updatedAt,
      p.updatedBy,
    ],
  })
}

/** deletePolicy removes the current row; its versions stay. */
export async function deletePolicy(sql: Sql, kind: PolicyKind, name: string): Promise<void> {
  await sql.execute({ sql: 'DELETE FROM policies WHERE kind = ? AND name = ?', args: [kind, name] })
}

/** insertVersion keeps one version. */
export async function insertVersion(sql: Sql, v: PolicyVersion): Promise<void> {
  await sql.execute({
    sql: `INSERT INTO policy_versions (kind, name, version, change, enabled, source, file, document,
        changed_by, changed_by_type, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      v.kind,
      v.name,
      v.version,
      v.change,
      v.enabled ? 1 : 0,
      v.source,
      v.file,
      JSON.stringify(v.document),
      v.changedBy,
      v.changedByType,
      v.changedAt,
    ],
  })
}

function toPolicy(r: Row): StoredPolicy {
  return {
    kind: String(r.kind) as PolicyKind,
    name: String(r.name),
    version: Number(r.version),
    enabled: Number(r.enabled) === 1,
    source: String(r.source) as PolicySource,
    file: r.file === null ? null : String(r.file),
    document: JSON.parse(String(r.document)) as PolicyDocument,
    createdAt: Number(r.created_at),
    createdBy: String(r.created_by),
    updatedAt: Number(r.updated_at),
    updatedBy: String(r.updated_by),
  }
}

function toVersion(r: Row): PolicyVersion {
  return {
    kind: String(r.kind) as PolicyKind,
    name: String(r.name),
    version: Number(r.version),
    change: String(r.change) as ChangeType,
    enabled: Number(r.enabled) === 1,
    source: String(r.source) as PolicySource,
    file: r.file === null ? null : String(r.file),
    document: JSON.parse(String(r.document)) as PolicyDocument,
    changedBy: String(r.changed_by),
    changedByType: String(r.changed_by_type) as ActorType,
    changedAt: Number(r.changed_at),
  }
}
