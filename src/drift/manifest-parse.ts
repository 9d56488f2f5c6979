/**
 * Manifest parsing: multi-document YAML (or JSON) text into desired objects, each with the file and
 * line of its document. Empty documents are skipped and `*List` kinds expand into their items. YAML
 * is read the way Kubernetes reads it (YAML 1.1 like go-yaml: `0644` is octal, `yes` is true) but
 * without timestamp or sexagesimal conversion, so dates and `12:30` stay strings. Every problem in a
 * file is collected into one ManifestError naming `file:line`.
 */
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document, type Tags } from 'yaml'
import { ValidationError } from '../errors.ts'
import { record, str } from './identity.ts'
import type { KubeObject, Manifest } from './types.ts'

/** ManifestProblem is one invalid document or object. */
export interface ManifestProblem {
  file: string
  line: number
  message: string
}

/** ManifestError lists every problem found in a set of manifests, each as `file:line: message`. */
export class ManifestError extends ValidationError {
  static override defaultCode = 'invalid_manifest'
  constructor(readonly problems: ManifestProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'), {
      details: problems,
    })
  }
}

// Kubernetes turns YAML into JSON: a timestamp or a base-60 int would not survive that round trip.
const jsonTags = (tags: Tags): Tags =>
  tags.filter((t) => {
    const tag = t as { tag?: string; format?: string }
    return tag.format !== 'TIME' && !/:(timestamp|binary|omap|pairs|set)$/.test(tag.tag ?? '')
  })

/** yamlOptions read YAML the way Kubernetes does (for other YAML that holds manifests, such as fixtures). */
export const yamlOptions = { version: '1.1', customTags: jsonTags } as const

/** parseManifests reads every object of one file's text; it throws ManifestError on any problem. */
export function parseManifests(text: string, file: string): Manifest[] {
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, { ...yamlOptions, lineCounter: lines })
  const manifests: Manifest[] = []
  const problems: ManifestProblem[] = []
  const lineAt = (offset: number) => lines.linePos(offset).line
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        // The library's message repeats the position; file:line already says it.
        const first = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
        problems.push({ file, line: e.linePos?.[0].line ?? 1, message: `invalid YAML: ${first}` })
      }
      continue
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 })
    if (value === null || value === undefined) continue
    const line = lineAt(doc.contents?.range[0] ?? 0)
    for (const item of expand(doc, value, line, lineAt)) {
      const problem = invalidObject(item.value)
      if (problem) problems.push({ file, line: item.line, message: problem })
      else manifests.push({ object: item.value as KubeObject, source: { file, line: item.line } })
    }
  }
  if (problems.length > 0) throw new ManifestError(problems)
  return manifests
}

/** expand yields the document itself, or each item of a `*List` with the line of that item. */
function expand(
  doc: Document,
  value: unknown,
  line: number,
  lineAt: (offset: number) => number,
): { value: unknown; line: number }[] {
  const obj = record(value)
  const kind = str(obj?.kind)
  if (!obj || !kind?.endsWith('List') || !Array.isArray(obj.items)) return [{ value, line }]
  const seq = isMap(doc.contents) ? doc.contents.get('items', true) : undefined
  return obj.items.map((item, i) => {
    const node = isSeq(seq) ? seq.items[i] : undefined
    const range = (node as { range?: [number, number, number] } | undefined)?.range
    return { value: item, line: range ? lineAt(range[0]) : line }
  })
}

/** invalidObject says what makes a document unusable as a Kubernetes object, if anything. */
function invalidObject(value: unknown): string | undefined {
  const obj = record(value)
  if (!obj) return 'document is not an object'
  const missing = [
    str(obj.apiVersion) ? undefined : 'apiVersion',
    str(obj.kind) ? undefined : 'kind',
    str(record(obj.metadata)?.name) ? undefined : 'metadata.name',
  ].filter((f) => f !== undefined)
  if (missing.length === 0) return undefined
  const what = str(obj.kind) ? `${String(obj.kind)} object` : 'object'
  return `${what} has no ${missing.join(', ')}`
}
