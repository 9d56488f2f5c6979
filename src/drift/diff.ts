/**
 * The drift scan as a pure function: diff(desired, live, options) → findings. Desired objects are
 * matched with live ones on (group, kind, namespace, name); each match is compared on its declared
 * fields (with the API server's defaults filled into the live copy), each desired object without a
 * live one is `missing`, and each live object in scope that nothing declares is `unexpected`.
 * Findings come out in a stable order with stable keys, so a scanner can de-duplicate across scans.
 */
import { compareObject } from './compare.ts'
import { withDefaults } from './defaults.ts'
import { matchKey, resourceId, resourceRef, Scopes, type IdentityOptions } from './identity.ts'
import { ignoredPointers, type IgnoreRule } from './ignore.ts'
import { managedFields } from './managed-fields.ts'
import { ManifestError } from './manifest-parse.ts'
import { defaultScope, inScope, neverUnexpected, type Live, type Scope } from './unexpected.ts'
import type {
  Finding,
  FindingType,
  KubeObject,
  Manifest,
  ResourceId,
  Severity,
  Source,
} from './types.ts'

/** DiffOptions are the settings of a scan; every field is optional. */
export interface DiffOptions extends IdentityOptions {
  /** The revision of the desired state (a git commit), copied onto every finding. */
  revision?: string | null
  /** Severity per finding type; defaults are defaultSeverities. */
  severities?: Partial<Record<FindingType, Severity>>
  /** ignoreDifferences rules: pointers dropped from the comparison of the resources they match. */
  ignoreDifferences?: readonly IgnoreRule[]
  /** Field managers whose fields count as drift (globs); default defaultAppliers. */
  appliers?: readonly string[]
  /** Which live objects must be declared; `false` reports no unexpected objects at all. */
  scope?: Scope | false
}

/** defaultSeverities are the severity of each finding type unless configured. */
export const defaultSeverities: Readonly<Record<FindingType, Severity>> = {
  missing: 'high',
  mismatch: 'medium',
  unexpected: 'low',
}

interface Desired {
  object: KubeObject
  source: Source | null
  id: ResourceId
}

/** findingKey is the stable key of a finding: its type and its resource, without the version. */
export function findingKey(type: FindingType, id: ResourceId): string {
  return `${type}:${matchKey(id)}`
}

/** diff compares desired objects (manifests or plain objects) with live ones and returns the drift. */
export function diff(
  desired: readonly (Manifest | KubeObject)[],
  live: readonly KubeObject[],
  options: DiffOptions = {},
): Finding[] {
  const scopes = new Scopes(options.kinds)
  const ns = options.defaultNamespace ?? 'default'
  const wanted = indexDesired(desired, scopes, ns)
  const actual = new Map<string, Live>()
  for (const object of live) {
    const id = resourceId(object, scopes, ns)
    if (id) actual.set(matchKey(id), { object, id })
  }
  const finding = (type: FindingType, id: ResourceId, source: Source | null): Finding => ({
    key: findingKey(type, id),
    type,
    severity: options.severities?.[type] ?? defaultSeverities[type],
    resource: resourceRef(id),
    diffs: [],
    ownedElsewhere: [],
    revision: options.revision ?? null,
    source,
  })

  const findings: Finding[] = []
  for (const [key, d] of wanted) {
    const l = actual.get(key)
    if (!l) {
      findings.push(finding('missing', d.id, d.source))
      continue
    }
    const { diffs, ownedElsewhere } = compareObject(d.object, withDefaults(l.object), {
      ignored: ignoredPointers(options.ignoreDifferences ?? [], d.id),
      managed: managedFields(l.object),
      appliers: options.appliers,
    })
    if (diffs.length > 0)
      findings.push({ ...finding('mismatch', d.id, d.source), diffs, ownedElsewhere })
  }

  if (options.scope !== false) {
    const scope = options.scope ?? {}
    const fallback = defaultScope([...wanted.values()].map((d) => d.id))
    const services = new Set(
      [...wanted.values(), ...actual.values()]
        .filter((x) => x.id.kind === 'Service' && x.id.group === '')
        .map((x) => `${x.id.namespace ?? ''}/${x.id.name}`),
    )
    for (const [key, l] of actual) {
      if (wanted.has(key) || !inScope(l, scope, fallback)) continue
      if (neverUnexpected(l, services) === undefined)
        findings.push(finding('unexpected', l.id, null))
    }
  }
  return findings.sort(byResource)
}

function indexDesired(
  desired: readonly (Manifest | KubeObject)[],
  scopes: Scopes,
  ns: string,
): Map<string, Desired> {
  const wanted = new Map<string, Desired>()
  const problems: { file: string; line: number; message: string }[] = []
  for (const entry of desired) {
    const manifest = isManifest(entry) ? entry : { object: entry, source: null }
    const id = resourceId(manifest.object, scopes, ns)
    const where = manifest.source ?? { file: '(desired)', line: 0 }
    if (!id) {
      problems.push({ ...where, message: 'object has no apiVersion, kind or metadata.name' })
      continue
    }
    const key = matchKey(id)
    const earlier = wanted.get(key)
    if (earlier) {
      const first = earlier.source
        ? ` (first at ${earlier.source.file}:${earlier.source.line})`
        : ''
      problems.push({ ...where, message: `${id.kind} ${key} is declared twice${first}` })
      continue
    }
    wanted.set(key, { ...manifest, id })
  }
  if (problems.length > 0) throw new ManifestError(problems)
  return wanted
}

function isManifest(entry: Manifest | KubeObject): entry is Manifest {
  return 'source' in entry && 'object' in entry && typeof entry.object === 'object'
}

const order = (f: Finding) =>
  [f.resource.namespace ?? '', f.resource.kind, f.resource.name, f.type].join('\u0000')

function byResource(a: Finding, b: Finding): number {
  const x = order(a)
  const y = order(b)
  return x < y ? -1 : x > y ? 1 : 0
}
