/**
 * The ingest reply every record format shares with metrics ingest: 200
 * `{"accepted","rejected","errors":[{"index","reason","message"}]}` once the accepted records are
 * durable, 400 when none was accepted; malformed bodies are 400 and store nothing.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { UnavailableError, ValidationError } from '../errors.ts'
import { readJsonBody } from '../http/body.ts'
import type { RecordRejection } from './record.ts'

/** readBatch reads `{"<field>":[...]}` (gzip allowed) within the body and batch limits. */
export async function readBatch(c: Context<AppEnv>, field: string): Promise<unknown[]> {
  const { config, metricsReport } = c.var.deps
  const body = await readJsonBody(c, config.ingest.maxBodyBytes, 'VIGIL_INGEST_MAX_BODY')
  const list = (body as Record<string, unknown> | null)?.[field]
  if (typeof body !== 'object' || body === null || !Array.isArray(list)) {
    metricsReport.rejected('malformed_body', 1)
    throw new ValidationError(`body: expected {"${field}":[...]}`, { code: 'malformed_body' })
  }
  if (list.length > config.ingest.maxRecords) {
    metricsReport.rejected('batch_too_large', list.length)
    throw new ValidationError(
      `at most ${config.ingest.maxRecords} ${field} per request, got ${list.length} (VIGIL_INGEST_MAX_RECORDS)`,
      { code: 'batch_too_large' },
    )
  }
  return list
}

/** readValue reads the plain `{"value":{...}}` body of /logs, /metrics and /events. */
export async function readValue(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const body = await readJsonBody(c, c.var.deps.config.ingest.maxBodyBytes, 'VIGIL_INGEST_MAX_BODY')
  const value = (body as Record<string, unknown> | null)?.value
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    c.var.deps.metricsReport.rejected('malformed_body', 1)
    throw new ValidationError('body: expected {"value":{...}}', { code: 'malformed_body' })
  }
  return value as Record<string, unknown>
}

/** Checked is what a validator returns for one record. */
export type Checked<T> = { ok: true; value: T } | RecordRejection

/**
 * ingestRecords validates raw records, stores the valid ones durably with `store` and answers
 * with the reply; `what` names the records in messages (`log lines`, `events`).
 */
export async function ingestRecords<T extends { truncated: boolean }>(
  c: Context<AppEnv>,
  raw: unknown[],
  what: string,
  validate: (record: unknown, now: number) => Checked<T>,
  store: (records: T[]) => Promise<void>,
) {
  const { metricsReport, now } = c.var.deps
  // Ingest is counted in metrics, not written to the audit trail batch by batch.
  c.set('audited', true)
  const at = now()
  const valid: T[] = []
  const errors: { index: number; reason: string; message: string }[] = []
  raw.forEach((record, index) => {
    const result = validate(record, at)
    if (result.ok) valid.push(result.value)
    else {
      errors.push({ index, reason: result.reason, message: result.message })
      metricsReport.rejected(result.reason, 1)
    }
  })
  const reply = {
    accepted: valid.length,
    rejected: errors.length,
    truncated: valid.filter((v) => v.truncated).length,
    errors: errors.slice(0, 100),
  }
  if (valid.length === 0) {
    throw new ValidationError(
      raw.length === 0
        ? `the batch has no ${what}`
        : `none of the ${raw.length} ${what} was accepted`,
      { code: 'nothing_accepted', details: reply },
    )
  }
  try {
    await store(valid)
  } catch (err) {
    if (err instanceof UnavailableError) metricsReport.rejected('overloaded', valid.length)
    throw err
  }
  return c.json(reply)
}
