/**
 * Manifest loading from disk: the thin I/O shell around parseManifests. Reads files and directories
 * recursively (`*.yaml`, `*.yml`, `*.json`, in sorted order so that scans are reproducible) and
 * reports every problem of every file at once.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ManifestError, parseManifests, type ManifestProblem } from './manifest-parse.ts'
import type { Manifest } from './types.ts'

const manifestFile = /\.(ya?ml|json)$/i

/** loadManifests reads every manifest under the given files and directories. */
export function loadManifests(paths: readonly string[]): Manifest[] {
  const manifests: Manifest[] = []
  const problems: ManifestProblem[] = []
  for (const file of paths.flatMap((p) => manifestFiles(p))) {
    try {
      manifests.push(...parseManifests(readFileSync(file, 'utf8'), file))
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e
      problems.push(...e.problems)
    }
  }
  if (problems.length > 0) throw new ManifestError(problems)
  return manifests
}

/** manifestFiles lists the manifest files of a path: the file itself, or a directory's, recursively. */
export function manifestFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const child = join(path, e.name)
      if (e.isDirectory()) return manifestFiles(child)
      return e.isFile() && manifestFile.test(e.name) ? [child] : []
    })
}
