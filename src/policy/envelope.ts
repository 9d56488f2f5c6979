/**
 * The policy envelope of DESIGN.md (`apiVersion: vigil/v1`, `kind`, `metadata`, `spec`) and the
 * one validation every way in goes through (API, files, `vigil policy validate`): the envelope
 * first, then the kind's spec, each problem with its path and a message that says what to fix. Pure.
 */
import { z } from 'zod'
import { bounded, name, strict } from './kinds/fields.ts'
import { isPolicyKind, kinds, policyKinds, type PolicyKind, type SpecOf } from './kinds/index.ts'

/** apiVersion is the one version of the envelope. */
export const apiVersion = 'vigil/v1'

const labelKey = z
  .string()
  .max(317, { error: 'must be at most 317 characters' })
  .regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
    error: 'must be a label key such as team or example.com/team',
  })

/** metadataSchema validates `metadata`: a name, labels and annotations. */
export const metadataSchema = strict({
  name,
  labels: bounded(
    labelKey,
    z.string().max(63, { error: 'must be at most 63 characters' }),
    50,
  ).optional(),
  annotations: bounded(
    z.string().min(1).max(317),
    z.string().max(4096, { error: 'must be at most 4096 characters' }),
    50,
  ).optional(),
})

/** Metadata is a policy's metadata. */
export type Metadata = z.output<typeof metadataSchema>

/** Policy is a parsed policy of one kind: durations in ms, defaults filled in. */
export interface Policy<K extends PolicyKind = PolicyKind> {
  apiVersion: typeof apiVersion
  kind: K
  metadata: Metadata
  spec: SpecOf<K>
}

/** PolicyDocument is a policy as its author wrote it (what is stored and shown). */
export interface PolicyDocument {
  apiVersion: typeof apiVersion
  kind: PolicyKind
  metadata: Metadata
  spec: unknown
}

/** IssuePath is where in a document a problem is: keys and list indexes. */
export type IssuePath = (string | number)[]

/** PolicyIssue is one problem of a document; `key` when it is about the field's name itself. */
export interface PolicyIssue {
  path: IssuePath
  message: string
  key?: boolean
}

/** Validated is the outcome of validatePolicy. */
export type Validated =
  { ok: true; document: PolicyDocument; policy: Policy } | { ok: false; issues: PolicyIssue[] }

const head = z.looseObject({
  apiVersion: z.literal(apiVersion, { error: `must be ${apiVersion}` }),
  kind: z.string({ error: `must be one of ${policyKinds.join(', ')}` }),
})

const envelopes: Record<PolicyKind, z.ZodType> = Object.fromEntries(
  policyKinds.map((k): [PolicyKind, z.ZodType] => [
    k,
    strict({
      apiVersion: z.literal(apiVersion),
      kind: z.literal(k),
      metadata: metadataSchema,
      spec: kinds[k].spec,
    }),
  ]),
) as Record<PolicyKind, z.ZodType>

/** validatePolicy checks one document: the envelope, then the spec of its kind. */
export function validatePolicy(input: unknown): Validated {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      issues: [
        { path: [], message: 'a policy must be a mapping with apiVersion, kind, metadata, spec' },
      ],
    }
  }
  const top = head.safeParse(input)
  if (!top.success) return { ok: false, issues: issuesOf(top.error) }
  const kind = top.data.kind
  if (!isPolicyKind(kind)) {
    return {
      ok: false,
      issues: [{ path: ['kind'], message: `must be one of ${policyKinds.join(', ')}` }],
    }
  }
  const raw = input as Record<string, unknown>
  if (raw.spec === undefined) {
    return { ok: false, issues: [{ path: ['spec'], message: `a ${kind} needs a spec` }] }
  }
  const result = envelopes[kind].safeParse(input)
  if (!result.success) return { ok: false, issues: issuesOf(result.error) }
  return {
    ok: true,
    document: JSON.parse(JSON.stringify(input)) as PolicyDocument,
    policy: result.data as Policy,
  }
}

/** parsePolicy re-reads a stored document of a known kind into its parsed form. */
export function parsePolicy<K extends PolicyKind>(kind: K, document: unknown): Policy<K> {
  return envelopes[kind].parse(document) as Policy<K>
}

/** issuesOf turns zod issues into ours; an unknown field points at the field itself. */
export function issuesOf(error: z.ZodError): PolicyIssue[] {
  return error.issues.map((i) => {
    const path = i.path.filter((p) => typeof p !== 'symbol') as IssuePath
    if (i.code === 'unrecognized_keys') {
      const message = i.message.startsWith('Unrecognized key')
        ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`
        : i.message
      return { path: [...path, i.keys[0]!], message, key: true }
    }
    if (i.code === 'invalid_key') {
      return { path, message: i.issues[0]?.message ?? i.message, key: true }
    }
    return { path, message: i.message }
  })
}

/** pathText renders a path as `spec.rules[0].name`. */
export function pathText(path: IssuePath): string {
  return path.reduce<string>(
    (text, seg) => (typeof seg === 'number' ? `${text}[${seg}]` : text ? `${text}.${seg}` : seg),
    '',
  )
}
