/**
 * What the k8s manifest tests read: the files under k8s/, the kustomizations and the objects their
 * resources declare, and (when kubectl is installed) a kustomization rendered by `kubectl kustomize`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { parse as parseYaml, parseAllDocuments } from 'yaml'
import { parseManifests, yamlOptions } from '../../src/drift/manifest-parse.ts'
import type { Manifest } from '../../src/drift/types.ts'

/** k8sDir is the folder of the shipped manifests. */
export const k8sDir = join(import.meta.dir, '../../k8s')

/** Kustomization is the part of a kustomization.yaml the tests read. */
export interface Kustomization {
  kind: string
  resources?: string[]
  components?: string[]
  patches?: { path?: string }[]
  configMapGenerator?: { files?: string[] }[]
}

/** filesUnder lists the files of a folder, recursively, in sorted order. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name)
      return statSync(path).isDirectory() ? filesUnder(path) : [path]
    })
}

/** yamlErrors returns the parse errors of a YAML file, read the way Kubernetes reads it. */
export function yamlErrors(file: string): string[] {
  return parseAllDocuments(readFileSync(file, 'utf8'), yamlOptions).flatMap((d) =>
    'errors' in d ? d.errors.map((e) => e.message) : [],
  )
}

/** kustomizations lists every kustomization.yaml under k8s/ with its parsed content. */
export function kustomizations(): { dir: string; k: Kustomization }[] {
  return filesUnder(k8sDir)
    .filter((f) => f.endsWith('/kustomization.yaml'))
    .map((f) => ({ dir: dirname(f), k: parseYaml(readFileSync(f, 'utf8')) as Kustomization }))
}

/** resourceFiles are the object files the kustomizations list (not folders, not patches). */
export function resourceFiles(): string[] {
  return kustomizations().flatMap(({ dir, k }) =>
    (k.resources ?? []).map((r) => join(dir, r)).filter((p) => statSync(p).isFile()),
  )
}

/** manifestsOf parses the objects of files with the drift manifest parser. */
export function manifestsOf(files: readonly string[]): Manifest[] {
  return files.flatMap((f) => parseManifests(readFileSync(f, 'utf8'), relative(k8sDir, f)))
}

/** objectsIn returns the objects of the given kinds among manifests. */
export function objectsIn(manifests: readonly Manifest[], ...kinds: string[]) {
  return manifests.map((m) => m.object as any).filter((o) => kinds.includes(o.kind))
}

/** hasKubectl is true when `kubectl kustomize` can render here. */
export const hasKubectl = Bun.which('kubectl') !== null

/** render runs `kubectl kustomize` over a folder under k8s/, with extra components. */
export function render(dir: string, components: readonly string[] = []): Manifest[] {
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-kustomize-'))
  try {
    // kustomize refuses absolute paths to other roots: refer to them relatively.
    const rel = (p: string) => relative(tmp, join(k8sDir, p))
    const k = { resources: [rel(dir)], components: components.map(rel) }
    writeFileSync(join(tmp, 'kustomization.yaml'), JSON.stringify(k))
    const run = Bun.spawnSync(['kubectl', 'kustomize', tmp], { stderr: 'pipe' })
    if (run.exitCode !== 0) throw new Error(`kubectl kustomize ${dir}: ${run.stderr.toString()}`)
    return parseManifests(run.stdout.toString(), `${dir} (rendered)`)
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** shipped parses the objects of the base, the agent and the components (not the overlays). */
export function shipped() {
  const files = resourceFiles()
  const under = (dir: string) => manifestsOf(files.filter((f) => f.includes(`/k8s/${dir}/`)))
  const [base, agent, components] = [under('base'), under('agent'), under('components')]
  return { base, agent, components, all: [...base, ...agent, ...components] }
}
