/**
 * Reading policies from text: multi-document YAML (JSON is YAML too), each document validated,
 * each problem placed at the line and column of the field it is about. Pure; files.ts and the
 * API bring the text.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml'
import { yamlOptions } from '../drift/manifest-parse.ts'
import { pathText, validatePolicy, type PolicyDocument, type Policy } from './envelope.ts'

/** maxDocuments bounds the documents of one file or body. */
export const maxDocuments = 1000

/** Problem is one problem of a text, at a 1-based line and column. */
export interface Problem {
  line: number
  column: number
  /** The field it is about, as `spec.rules[0].name`; empty for the document itself. */
  path: string
  message: string
}

/** ReadPolicy is one valid document with the line it starts on. */
export interface ReadPolicy {
  document: PolicyDocument
  policy: Policy
  line: number
}

/** ReadResult is everything in a text: the valid policies and the problems of the others. */
export interface ReadResult {
  policies: ReadPolicy[]
  problems: Problem[]
}

/** readPolicies reads every document of a text; empty documents are skipped. */
export function readPolicies(text: string): ReadResult {
  const counter = new LineCounter()
  const docs = parseAllDocuments(text, { ...yamlOptions, lineCounter: counter })
  const at = (offset: number) => {
    const pos = counter.linePos(offset)
    return { line: pos.line, column: pos.col }
  }
  const result: ReadResult = { policies: [], problems: [] }
  const list = Array.isArray(docs) ? docs : [docs]
  if (list.length > maxDocuments) {
    result.problems.push({
      line: 1,
      column: 1,
      path: '',
      message: `more than ${maxDocuments} documents; split the file`,
    })
    return result
  }
  for (const doc of list) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const first = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')
        const [line, column] = e.linePos ? [e.linePos[0].line, e.linePos[0].col] : [1, 1]
        result.problems.push({ line, column, path: '', message: `invalid YAML: ${first}` })
      }
      continue
    }
    let value: unknown
    try {
      value = doc.toJS({ maxAliasCount: 100 })
    } catch (err) {
      const start = at(doc.contents?.range[0] ?? 0)
      result.problems.push({
        ...start,
        path: '',
        message: `invalid YAML: ${(err as Error).message}`,
      })
      continue
    }
    if (value === null || value === undefined) continue
    const start = at(doc.contents?.range[0] ?? 0)
    const checked = validatePolicy(value)
    if (checked.ok) {
      result.policies.push({ document: checked.document, policy: checked.policy, line: start.line })
      continue
    }
    const located = checked.issues.map((issue) => {
      const offset = locate(doc.contents, issue.path, issue.key === true)
      return {
        ...(offset === undefined ? start : at(offset)),
        path: pathText(issue.path),
        message: issue.message,
      }
    })
    result.problems.push(...located.sort((a, b) => a.line - b.line || a.column - b.column))
  }
  return result
}

/**
 * locate finds the offset of the node at `path`: the value when it exists (the key when `atKey`),
 * else the key, else the nearest ancestor that does (a missing field is reported at its parent).
 */
function locate(root: Node | null, path: (string | number)[], atKey: boolean): number | undefined {
  let node: Node | null | undefined = root
  let found = node?.range?.[0]
  for (const [i, seg] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))
      if (!pair) return found
      const key = pair.key as Node
      found = key.range?.[0] ?? found
      if (atKey && i === path.length - 1) return found
      node = pair.value as Node | null
      if (node?.range && !isMap(node) && !isSeq(node)) found = node.range[0]
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg] as Node | undefined
      if (!node) return found
      found = node.range?.[0] ?? found
    } else {
      return found
    }
  }
  return found
}
