/**
 * The policy service: versioned CRUD over the store, the read-only rule for file policies, typed
 * reads of enabled policies for the subsystems that evaluate them, change listeners and the
 * status registry. Every change writes the current row and a version in one write transaction.
 */
import { WriteQueue } from '../db/serial.ts'
import type { Client } from '@libsql/client'
import { ConflictError, NotFoundError } from '../errors.ts'
import { changedPaths } from './diff.ts'
import { parsePolicy, type Policy, type PolicyDocument } from './envelope.ts'
import type { PolicyKind } from './kinds/index.ts'
import type { Problem } from './read.ts'
import { PolicyStatusRegistry } from './status.ts'
import {
  deletePolicy,
  lastVersion,
  insertVersion,
  selectPolicies,
  selectPolicy,
  selectVersions,
  upsertPolicy,
  type Sql,
} from './store.ts'
import type {
  Actor,
  ChangeType,
  PolicyChange,
  PolicyFilter,
  PolicySource,
  PolicyVersion,
  StoredPolicy,
} from './types.ts'

/** Changed is a committed change: the policy before and after (undefined when absent). */
export interface Changed {
  change: ChangeType
  before: StoredPolicy | undefined
  after: StoredPolicy | undefined
  version: number
  /** The paths of the document that changed. */
  paths: string[]
}

/** FileProblem is a problem of a policy file, for the log and the status. */
export interface FileProblem extends Problem {
  file: string
}

/** FilesState is what the last load of `VIGIL_POLICY_PATHS` found. */
export interface FilesState {
  paths: string[]
  loadedAt: number | null
  files: number
  policies: number
  problems: FileProblem[]
}

/** Guard is what a mutation expects of the current version. */
export interface Guard {
  /** The version the caller last saw (`If-Match`); another one is a conflict. */
  ifMatch?: number | undefined
}

/** Decision is what a change does: its type and the policy after it (undefined: deleted). */
interface Decision {
  change: ChangeType
  next: StoredPolicy | undefined
}

type Plan = (current: StoredPolicy | undefined) => Decision | undefined

/** PolicyService stores, versions and serves policies. */
export class PolicyService {
  /** status is what evaluators last reported of each policy. */
  readonly status = new PolicyStatusRegistry()
  /** files is what the last load of the policy files found. */
  files: FilesState = { paths: [], loadedAt: null, files: 0, policies: 0, problems: [] }
  private readonly listeners = new Set<(change: PolicyChange) => void>()
  // One change at a time in this process; the write transaction orders us against others.
  private readonly commits = new WriteQueue()

  constructor(
    private readonly client: Client,
    private readonly now: () => number,
  ) {}

  /** list reads the current policies, by kind then name. */
  list(filter: PolicyFilter = {}): Promise<StoredPolicy[]> {
    return selectPolicies(this.client, filter)
  }

  /** get reads one policy; NotFoundError when there is none. */
  async get(kind: PolicyKind, name: string): Promise<StoredPolicy> {
    const found = await selectPolicy(this.client, kind, name)
    if (!found) throw new NotFoundError(`there is no ${kind} named ${name}`)
    return found
  }

  /** versions reads every kept version, newest first, deleted policies included. */
  async versions(kind: PolicyKind, name: string): Promise<PolicyVersion[]> {
    const list = await selectVersions(this.client, kind, name)
    if (list.length === 0)
      throw new NotFoundError(`there is no ${kind} named ${name}, nor was there`)
    return list
  }

  /**
   * enabled reads the enabled policies of a kind, parsed (durations in ms, defaults filled in),
   * with where they came from. The alert evaluator and remediation call this each round.
   */
  async enabled<K extends PolicyKind>(kind: K): Promise<(Policy<K> & { version: number })[]> {
    const rows = await selectPolicies(this.client, { kind, enabled: true })
    return rows.map((r) => ({ ...parsePolicy(kind, r.document), version: r.version }))
  }

  /** onChange calls `listener` after every committed change until the returned function runs. */
  onChange(listener: (change: PolicyChange) => void): () => void {
    this.listeners.add(listener)
    return () => void this.listeners.delete(listener)
  }

  /** create stores a new API policy; ConflictError when one of that kind and name exists. */
  create(document: PolicyDocument, actor: Actor): Promise<Changed> {
    const { kind, metadata } = document
    return this.apply(kind, metadata.name, actor, (current) => {
      if (current) {
        throw new ConflictError(
          `a ${kind} named ${metadata.name} exists${current.file ? ` (from ${current.file})` : ''}; update it with PUT /api/v1/policies/${kind}/${metadata.name}`,
          { code: 'exists' },
        )
      }
      return { change: 'created', next: this.fresh(document, 'api', null, actor) }
    })
  }

  /** update replaces the document of an API policy. */
  update(document: PolicyDocument, actor: Actor, guard: Guard = {}): Promise<Changed> {
    const { kind, metadata } = document
    return this.apply(kind, metadata.name, actor, (current) => {
      const base = this.editable(kind, metadata.name, current, guard)
      return { change: 'updated', next: { ...base, document, ...this.stamp(actor) } }
    })
  }

  /** setEnabled turns an API policy on or off. */
  setEnabled(
    kind: PolicyKind,
    name: string,
    enabled: boolean,
    actor: Actor,
    guard: Guard = {},
  ): Promise<Changed> {
    return this.apply(kind, name, actor, (current) => {
      const base = this.editable(kind, name, current, guard)
      return {
        change: enabled ? 'enabled' : 'disabled',
        next: { ...base, enabled, ...this.stamp(actor) },
      }
    })
  }

  /** remove deletes an API policy; its versions stay, with a last one saying it was deleted. */
  remove(kind: PolicyKind, name: string, actor: Actor, guard: Guard = {}): Promise<Changed> {
    return this.apply(kind, name, actor, (current) => {
      this.editable(kind, name, current, guard)
      return { change: 'deleted', next: undefined }
    })
  }

  /**
   * syncFile makes the file policy `document` current (creating or updating it) or, with no
   * document, deletes the file policy `kind/name`. Only file policies are touched: an API policy
   * of the same kind and name is a conflict.
   */
  syncFile(
    kind: PolicyKind,
    name: string,
    entry: { document: PolicyDocument; file: string } | undefined,
    actor: Actor,
  ): Promise<Changed | undefined> {
    return this.commit(kind, name, actor, (current) => {
      if (current && current.source !== 'file') {
        throw new ConflictError(
          `a ${kind} named ${name} exists through the API; delete it or rename this one`,
        )
      }
      if (!entry) return current ? { change: 'deleted', next: undefined } : undefined
      if (!current) {
        return { change: 'created', next: this.fresh(entry.document, 'file', entry.file, actor) }
      }
      const same =
        current.file === entry.file &&
        JSON.stringify(current.document) === JSON.stringify(entry.document)
      if (same) return undefined
      return {
        change: 'updated',
        next: { ...current, document: entry.document, file: entry.file, ...this.stamp(actor) },
      }
    })
  }

  private fresh(
    document: PolicyDocument,
    source: PolicySource,
    file: string | null,
    actor: Actor,
  ): StoredPolicy {
    const stamp = this.stamp(actor)
    return {
      kind: document.kind,
      name: document.metadata.name,
      version: 0,
      enabled: true,
      source,
      file,
      document,
      createdAt: stamp.updatedAt,
      createdBy: stamp.updatedBy,
      ...stamp,
    }
  }

  private stamp(actor: Actor) {
    return { updatedAt: this.now(), updatedBy: actor.name }
  }

  /** editable returns the current API policy, or throws why it cannot be changed. */
  private editable(
    kind: PolicyKind,
    name: string,
    current: StoredPolicy | undefined,
    guard: Guard,
  ): StoredPolicy {
    if (!current) throw new NotFoundError(`there is no ${kind} named ${name}`)
    if (current.source === 'file') {
      throw new ConflictError(
        `${kind} ${name} is loaded from the file ${current.file} and is read-only here; change the file instead`,
        { code: 'read_only', details: { file: current.file } },
      )
    }
    if (guard.ifMatch !== undefined && guard.ifMatch !== current.version) {
      throw new ConflictError(
        `${kind} ${name} is at version ${current.version}, not ${guard.ifMatch}: someone changed it; reload and try again`,
        { code: 'version_conflict', details: { version: current.version } },
      )
    }
    return current
  }

  /** apply commits a plan that always decides something. */
  private async apply(
    kind: PolicyKind,
    name: string,
    actor: Actor,
    plan: (current: StoredPolicy | undefined) => Decision,
  ): Promise<Changed> {
    return (await this.commit(kind, name, actor, plan))!
  }

  private commit(kind: PolicyKind, name: string, actor: Actor, plan: Plan) {
    return this.commits.run(() => this.commitNow(kind, name, actor, plan))
  }

  private async commitNow(
    kind: PolicyKind,
    name: string,
    actor: Actor,
    plan: Plan,
  ): Promise<Changed | undefined> {
    const tx = await this.client.transaction('write')
    let changed: Changed | undefined
    try {
      const current = await selectPolicy(tx, kind, name)
      const decided = plan(current)
      if (!decided) {
        await tx.rollback()
        return undefined
      }
      const version = (await lastVersion(tx, kind, name)) + 1
      const next = decided.next && { ...decided.next, version }
      await write(tx, kind, name, next)
      const kept = next ?? { ...current!, version }
      await insertVersion(tx, {
        kind,
        name,
        version,
        change: decided.change,
        enabled: next ? next.enabled : current!.enabled,
        source: kept.source,
        file: kept.file,
        document: kept.document,
        changedBy: actor.name,
        changedByType: actor.type,
        changedAt: this.now(),
      })
      await tx.commit()
      changed = {
        change: decided.change,
        before: current,
        after: next,
        version,
        paths: changedPaths(current?.document, next?.document),
      }
    } finally {
      tx.close()
    }
    if (changed.change === 'deleted') this.status.forget(kind, name)
    for (const listener of this.listeners) {
      try {
        listener({ kind, name, change: changed.change, version: changed.version })
      } catch {
        // A listener's failure is its own; the change is committed.
      }
    }
    return changed
  }
}

async function write(sql: Sql, kind: PolicyKind, name: string, next: StoredPolicy | undefined) {
  if (next) await upsertPolicy(sql, next)
  else await deletePolicy(sql, kind, name)
}
