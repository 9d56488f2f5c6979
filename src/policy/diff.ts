/** What changed between two versions of a document, as a short list of paths. Pure. */
import { pathText, type IssuePath } from './envelope.ts'

/** maxChangedPaths bounds the summary (an audit record, a history row). */
export const maxChangedPaths = 50

/**
 * changedPaths lists the leaf paths whose values differ (`spec.for`, `metadata.labels.team`),
 * in document order; a list that changed length is one path.
 */
export function changedPaths(before: unknown, after: unknown): string[] {
  const out: string[] = []
  walk(before, after, [], out)
  return out.length > maxChangedPaths ? [...out.slice(0, maxChangedPaths), '…'] : out
}

function walk(a: unknown, b: unknown, path: IssuePath, out: string[]): void {
  if (out.length > maxChangedPaths) return
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    for (const k of keys) walk(a[k], b[k], [...path, k], out)
    return
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => walk(item, b[i], [...path, i], out))
    return
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(pathText(path) || '(document)')
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
