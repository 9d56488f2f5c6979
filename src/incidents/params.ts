/** Validated inputs of the incident routes, shared by the API and the pages. */
import { z } from 'zod'
import { severities } from '../notify/types.ts'
import { incidentStatuses } from './types.ts'

const labels = (max: number, maxValue: number) =>
  z
    .record(
      z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/, { error: 'must be a label name' }),
      z.string().max(maxValue),
    )
    .refine((r) => Object.keys(r).length <= max, { error: `at most ${max} entries` })

/** listQuery is the query of the incident list; status `open` means not resolved. */
export const listQuery = z.object({
  status: z.enum([...incidentStatuses, 'open']).optional(),
  severity: z.enum(severities).optional(),
  rule: z.string().min(1).max(256).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(100).optional(),
})

/** manualInput is an incident opened by hand. */
export const manualInput = z.object({
  title: z.string().trim().min(1, { error: 'must not be empty' }).max(1024),
  severity: z.enum(severities),
  labels: labels(64, 1024).default({}),
  annotations: labels(32, 4096).default({}),
  channels: z.array(z.string().min(1).max(128)).max(50).default([]),
})

/** noteInput is a note for the timeline. */
export const noteInput = z.object({
  text: z.string().trim().min(1, { error: 'must not be empty' }).max(4000),
})

/** actInput is the optional body of ack and resolve. */
export const actInput = z.object({ note: z.string().trim().max(4000).optional() })

/** incidentId reads a path id; anything else is a 404 like an id that does not exist. */
export function incidentId(text: string | undefined): number | undefined {
  return text && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined
}
