/**
 * Loading the policy files into the store: at start and whenever their fingerprint changes
 * (polled). A file with any problem contributes nothing new: the policies it gave before stay as
 * they were (last good), so a typo never deletes a live rule. Problems go to the log and the
 * status (`GET /ui/policies`); the server keeps running.
 */
import type { AuditStore } from '../audit/store.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../obs/logger.ts'
import { collect, fingerprint, readPolicyPaths, type FileEntry } from './files.ts'
import type { PolicyKind } from './kinds/index.ts'
import type { Changed, FileProblem, FilesState, PolicyService } from './service.ts'
import type { Actor, ChangeType } from './types.ts'

/** fileActor is who file loading changes policies as. */
export const fileActor: Actor = { name: 'policy-files', type: 'system' }

/** auditAction names a change in the audit trail (`policy.create`, ...). */
export const auditAction: Record<ChangeType, string> = {
  created: 'policy.create',
  updated: 'policy.update',
  enabled: 'policy.enable',
  disabled: 'policy.disable',
  deleted: 'policy.delete',
}

/** PolicyFileLoader keeps the file policies in the store in step with the files. */
export class PolicyFileLoader {
  private seen: string | undefined

  constructor(
    private readonly service: PolicyService,
    private readonly audit: AuditStore,
    private readonly logger: Logger,
    private readonly paths: readonly string[],
    private readonly now: () => number,
  ) {}

  /** load reads every file and brings the store in line; returns what it found. */
  async load(): Promise<FilesState> {
    this.seen = fingerprint(this.paths)
    const read = readPolicyPaths(this.paths)
    const { entries, problems, bad } = collect(read)
    const kept = (file: string | null) =>
      file !== null &&
      (bad.has(file) ||
        read.unreadable.some((u) => file === u.file || file.startsWith(`${u.file}/`)))
    for (const [key, entry] of entries) {
      const [kind, name] = split(key)
      await this.sync(kind, name, entry, problems)
    }
    for (const row of await this.service.list({ source: 'file' })) {
      if (entries.has(`${row.kind}/${row.name}`) || kept(row.file)) continue
      await this.sync(row.kind, row.name, undefined, problems)
    }
    const state: FilesState = {
      paths: [...this.paths],
      loadedAt: this.now(),
      files: read.files.length,
      policies: entries.size,
      problems,
    }
    this.service.files = state
    this.report(state)
    return state
  }

  /** run reloads when the files change, every `intervalMs`, until the signal aborts. */
  async run(signal: AbortSignal, intervalMs: number): Promise<void> {
    if (this.paths.length === 0 || intervalMs <= 0) return
    while (!signal.aborted) {
      await sleep(intervalMs, signal)
      if (signal.aborted) return
      try {
        if (fingerprint(this.paths) !== this.seen) await this.load()
      } catch (err) {
        this.logger.error('policy files: reload failed', { err })
      }
    }
  }

  private async sync(
    kind: PolicyKind,
    name: string,
    entry: FileEntry | undefined,
    problems: FileProblem[],
  ): Promise<void> {
    let changed: Changed | undefined
    try {
      changed = await this.service.syncFile(kind, name, entry, fileActor)
    } catch (err) {
      if (!(err instanceof AppError) || !entry) throw err
      problems.push({
        file: entry.file,
        line: entry.line,
        column: 1,
        path: '',
        message: err.message,
      })
      return
    }
    if (!changed) return
    const file = entry?.file ?? changed.before?.file ?? null
    await this.audit.append({
      actor: fileActor.name,
      actorType: fileActor.type,
      action: auditAction[changed.change],
      target: `${kind}/${name}`,
      outcome: 'success',
      details: { source: 'file', file, version: changed.version, changes: changed.paths },
    })
    this.logger.info(`policy ${changed.change}`, { kind, name, file, version: changed.version })
  }

  private report(state: FilesState): void {
    if (state.paths.length === 0) return
    for (const p of state.problems) {
      this.logger.warn(`policy file problem: ${problemText(p)}`, {
        file: p.file,
        line: p.line,
        column: p.column,
        path: p.path,
      })
    }
    this.logger.info('policy files loaded', {
      paths: state.paths,
      files: state.files,
      policies: state.policies,
      problems: state.problems.length,
    })
  }
}

/** problemText renders a problem as `FILE:LINE:COL: path: message`, as `vigil policy validate` does. */
export function problemText(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`
}

function split(key: string): [PolicyKind, string] {
  const slash = key.indexOf('/')
  return [key.slice(0, slash) as PolicyKind, key.slice(slash + 1)]
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
