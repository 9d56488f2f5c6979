/**
 * A remediation domain over a fresh libSQL file with a scripted action, for executor tests that
 * are about the task lifecycle (leases, phases, guards, retries), not about Kubernetes.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { Registry } from 'prom-client'
import { createAuditStore, type AuditStore } from '../../src/audit/store.ts'
import { Bus } from '../../src/bus.ts'
import { loadConfig } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { migrate } from '../../src/db/migrate.ts'
import type { Incident } from '../../src/incidents/types.ts'
import type { Cluster } from '../../src/k8s/types.ts'
import { createLogger } from '../../src/obs/logger.ts'
import { createRemediation, type Remediation } from '../../src/remediation/index.ts'
import type { AccessVerdict } from '../../src/remediation/guards.ts'
import type { RemediationSettings } from '../../src/remediation/settings.ts'
import type {
  ActionContext,
  ActionDefinition,
  ActionName,
  Impact,
  Task,
} from '../../src/remediation/types.ts'
import { tempDir } from '../helpers/app.ts'

/** Script says what the scripted action does on each call. */
export interface Script {
  /** Errors thrown by the real (not dry-run) runs, in order; then it succeeds. */
  failures: Error[]
  /** Milliseconds each real run takes. */
  runMs: number
  /** verify throws this, if set. */
  verifyError?: Error
  impact?: Impact
  idempotent?: boolean
}

/** Calls records every call of the scripted action. */
export interface Call {
  task: string
  dryRun: boolean
  at: number
}

/** TransientError is what the scripted action throws for failures that may pass. */
export class TransientError extends Error {}

/** scripted builds one action definition that records its calls. */
export function scripted(name: ActionName, script: Script, calls: Call[]): ActionDefinition<any> {
  return {
    name,
    summary: `scripted ${name}`,
    params: z.object({ namespace: z.string(), pod: z.string() }).strict(),
    target: (p: { namespace: string; pod: string }) => ({
      kind: 'Pod',
      namespace: p.namespace,
      name: p.pod,
    }),
    impact: script.impact ? async () => script.impact! : undefined,
    async run(ctx: ActionContext, p: { namespace: string; pod: string }) {
      calls.push({ task: `${p.namespace}/${p.pod}`, dryRun: ctx.dryRun, at: Date.now() })
      if (!ctx.dryRun) {
        if (script.runMs) await ctx.sleep(script.runMs)
        const failure = script.failures.shift()
        if (failure) throw failure
      }
      return { message: `${ctx.dryRun ? 'would delete' : 'deleted'} pod ${p.namespace}/${p.pod}` }
    },
    async verify() {
      if (script.verifyError) throw script.verifyError
      return 'pod replaced and Ready'
    },
    timeoutMs: 5_000,
    idempotent: script.idempotent ?? false,
  }
}

/** Rig is a remediation domain with its database and what the test controls. */
export interface Rig {
  db: Database
  audit: AuditStore
  bus: Bus
  remediation: Remediation
  settings: RemediationSettings
  calls: Call[]
  script: Script
  incidents: Map<number, Incident>
  allow: { value: boolean }
  file: string
  close(): void
}

/** settingsWith are the default settings with a few changed. */
export function settingsWith(changes: Partial<RemediationSettings> = {}): RemediationSettings {
  return { ...loadConfig({}, {}).remediation, mode: 'enforce', ...changes }
}

/** makeRig opens a migrated database (or `file`, shared with another rig) and wires remediation. */
export async function makeRig(
  options: {
    settings?: Partial<RemediationSettings>
    file?: string
    identity?: string
    leader?: { isLeader(): boolean; confirm(): Promise<boolean> }
    script?: Partial<Script>
    calls?: Call[]
  } = {},
): Promise<Rig> {
  const dir = options.file ? undefined : tempDir('vigil-rem-')
  const file = options.file ?? join(dir!, 'vigil.db')
  const db = await openDatabase(`file:${file}`)
  await migrate(db.client)
  const audit = createAuditStore(db.client, Date.now)
  const bus = new Bus()
  const settings = settingsWith(options.settings)
  const calls = options.calls ?? []
  const script: Script = { failures: [], runMs: 0, ...options.script }
  const incidents = new Map<number, Incident>()
  const allow = { value: true }
  const access = async (task: Task): Promise<AccessVerdict> =>
    allow.value
      ? { allowed: true, reason: `test allows ${task.action}`, appliedPolicies: ['test-allow'] }
      : { allowed: false, reason: `no AccessPolicy allows ${task.action}`, appliedPolicies: [] }
  const remediation = createRemediation({
    client: db.client,
    settings,
    actions: { restart_pod: scripted('restart_pod', script, calls) } as Record<
      ActionName,
      ActionDefinition<any>
    >,
    isTransient: (err) => err instanceof TransientError,
    cluster: async () => ({}) as Cluster,
    leader: options.leader ?? { isLeader: () => true, confirm: async () => true },
    access,
    incident: async (id) => incidents.get(id),
    note: async () => undefined,
    audit,
    bus,
    registry: new Registry(),
    identity: options.identity ?? 'test',
    now: Date.now,
    // RIG_LOG=1 prints the domain's log lines, for debugging a test.
    logger: createLogger(process.env.RIG_LOG ? 'debug' : 'error', [
      (l) => process.env.RIG_LOG && console.log(l),
    ]),
    backoffMs: 20,
    pollMs: 20,
    graceMs: 300,
  })
  return {
    db,
    audit,
    bus,
    remediation,
    settings,
    calls,
    script,
    incidents,
    allow,
    file,
    close() {
      db.close()
      if (dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** byHand is the decider of a person in tests. */
export const byHand = { name: 'alice', actorType: 'user' as const }

/** propose asks for restart_pod on `namespace/pod`, approved at once unless `approval`. */
export async function propose(
  rig: Rig,
  pod: string,
  options: { namespace?: string; approval?: boolean; incidentId?: number; key?: string } = {},
): Promise<Task> {
  const { task } = await rig.remediation.service.propose(
    {
      action: 'restart_pod',
      params: { namespace: options.namespace ?? 'prod', pod },
      reason: 'test',
      requester: { kind: 'user', name: 'alice', role: 'operator' },
      incidentId: options.incidentId ?? null,
      idempotencyKey: options.key ?? null,
      mode: 'approval',
    },
    { ...byHand, approve: !options.approval },
  )
  return task
}

/** until polls `check` every 10 ms until it returns something truthy, or fails after `ms`. */
export async function until<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(10)
  }
}

/** settle waits until no task is pending, approved or running. */
export async function settle(rig: Rig, ms = 10_000): Promise<Task[]> {
  return until(
    async () => {
      const tasks = await rig.remediation.store.list({ limit: 10_000 })
      return tasks.every((t) => !['pending', 'approved', 'running'].includes(t.state))
        ? tasks
        : undefined
    },
    ms,
    'every task to end',
  )
}
