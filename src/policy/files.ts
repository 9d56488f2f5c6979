/**
 * Policy files on disk: the files under `VIGIL_POLICY_PATHS` (files, or directories read
 * recursively: `*.yaml`, `*.yml`, `*.json` in sorted order), read and validated, and a cheap
 * fingerprint of their names, sizes and mtimes to tell when to read them again.
 */
import { readFileSync, statSync } from 'node:fs'
import { manifestFiles } from '../drift/manifest-load.ts'
import type { PolicyDocument } from './envelope.ts'
import { readPolicies, type ReadResult } from './read.ts'
import type { FileProblem } from './service.ts'

/** maxFileBytes bounds one policy file. */
export const maxFileBytes = 4 * 1024 * 1024

/** FileRead is one file's policies and problems. */
export interface FileRead extends ReadResult {
  file: string
}

/** PathsRead is everything under the paths: each file, and the paths that could not be read. */
export interface PathsRead {
  files: FileRead[]
  /** Paths (or files) that are missing or unreadable; what they held before is kept. */
  unreadable: FileProblem[]
}

/** readPolicyPaths reads and validates every policy file under the paths. */
export function readPolicyPaths(paths: readonly string[]): PathsRead {
  const out: PathsRead = { files: [], unreadable: [] }
  for (const path of paths) {
    let files: string[]
    try {
      files = manifestFiles(path)
    } catch (err) {
      out.unreadable.push(problem(path, `cannot read: ${reason(err)}`))
      continue
    }
    for (const file of files) {
      try {
        if (statSync(file).size > maxFileBytes) {
          out.files.push({
            file,
            policies: [],
            problems: [
              { line: 1, column: 1, path: '', message: `larger than ${maxFileBytes} bytes` },
            ],
          })
          continue
        }
        out.files.push({ file, ...readPolicies(readFileSync(file, 'utf8')) })
      } catch (err) {
        out.unreadable.push(problem(file, `cannot read: ${reason(err)}`))
      }
    }
  }
  return out
}

/** FileEntry is one valid policy of a file, at the line its document starts. */
export interface FileEntry {
  document: PolicyDocument
  file: string
  line: number
}

/** Collected is what a read of the paths yields: the policies by `kind/name`, and every problem. */
export interface Collected {
  entries: Map<string, FileEntry>
  problems: FileProblem[]
  /** Files with problems: they contribute nothing. */
  bad: Set<string>
}

/** collect takes the policies of the files without problems; a second `kind/name` is a problem. */
export function collect(read: PathsRead): Collected {
  const out: Collected = { entries: new Map(), problems: [...read.unreadable], bad: new Set() }
  for (const f of read.files) {
    if (f.problems.length > 0) {
      out.bad.add(f.file)
      out.problems.push(...f.problems.map((p) => ({ ...p, file: f.file })))
      continue
    }
    for (const p of f.policies) {
      const key = `${p.document.kind}/${p.document.metadata.name}`
      const first = out.entries.get(key)
      if (first) {
        out.problems.push({
          file: f.file,
          line: p.line,
          column: 1,
          path: 'metadata.name',
          message: `${key} is already defined at ${first.file}:${first.line}; names are unique per kind`,
        })
        continue
      }
      out.entries.set(key, { document: p.document, file: f.file, line: p.line })
    }
  }
  return out
}

/** fingerprint changes when a file under the paths is added, removed, resized or touched. */
export function fingerprint(paths: readonly string[]): string {
  const parts: string[] = []
  for (const path of paths) {
    try {
      for (const file of manifestFiles(path)) {
        const s = statSync(file)
        parts.push(`${file}:${s.size}:${s.mtimeMs}`)
      }
    } catch {
      parts.push(`${path}:missing`)
    }
  }
  return parts.join('\n')
}

function problem(file: string, message: string): FileProblem {
  return { file, line: 1, column: 1, path: '', message }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  return e.code === 'ENOENT' ? 'no such file or directory' : e.message
}
