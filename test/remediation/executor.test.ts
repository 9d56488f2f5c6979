import { afterEach, describe, expect, it } from 'bun:test'
import type { Incident } from '../../src/incidents/types.ts'
import {
  byHand,
  makeRig,
  propose,
  settle,
  TransientError,
  until,
  type Call,
  type Rig,
} from './setup.ts'

const rigs: Rig[] = []
const aborts: AbortController[] = []
afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort()
  await Bun.sleep(50)
  for (const r of rigs.splice(0)) r.close()
})

async function rig(options: Parameters<typeof makeRig>[0] = {}) {
  const r = await makeRig(options)
  rigs.push(r)
  return r
}

function start(r: Rig): AbortController {
  const a = new AbortController()
  aborts.push(a)
  void r.remediation.run(a.signal)
  return a
}

async function auditActions(r: Rig, task: number): Promise<string[]> {
  const { entries } = await r.audit.list({ limit: 1000 })
  return entries
    .filter((e) => e.target === `task:${task}`)
    .sort((a, b) => a.seq - b.seq)
    .map((e) => `${e.action}:${e.outcome}`)
}

function incident(id: number, changes: Partial<Incident> = {}): Incident {
  const now = Date.now()
  return {
    id,
    fingerprint: `f${id}`,
    rule: 'pod-crash-looping',
    title: 'crash looping',
    severity: 'high',
    status: 'triggered',
    silenceId: null,
    labels: {},
    annotations: {},
    value: 1,
    source: { kind: 'manual' },
    channels: [],
    count: 1,
    since: now,
    firstSeenAt: now,
    startedAt: now,
    lastSeenAt: now,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    reopenedCount: 0,
    ...changes,
  }
}

describe('the task lifecycle', () => {
  it('waits for approval, then runs the dry run, the change and the verification, auditing each', async () => {
    const r = await rig()
    const task = await propose(r, 'api-1', { approval: true })
    expect(task.state).toBe('awaiting_approval')
    start(r)
    await Bun.sleep(100)
    expect(r.calls).toEqual([]) // nothing runs before the approval
    await r.remediation.service.approve(task.id, byHand, 'go')
    const [done] = await settle(r)
    expect(done!.state).toBe('succeeded')
    expect(done!.result).toMatchObject({
      message: 'deleted pod prod/api-1',
      verified: 'pod replaced and Ready',
    })
    expect(done!.dryRun).toEqual({ message: 'would delete pod prod/api-1' })
    expect(r.calls.map((c) => c.dryRun)).toEqual([true, false])
    expect(done!.guards.map((g) => `${g.guard}:${g.allowed}`)).toEqual([
      'mode:true',
      'access_policy:true',
      'namespaces:true',
      'evidence:true',
      'blast_radius:true',
      'anti_flapping:true',
      'rate_limit:true',
      'rate_limit:true',
      'rate_limit:true',
    ])
    expect(await auditActions(r, task.id)).toEqual([
      'remediation.task.proposed:success',
      'remediation.task.evaluated:success',
      'remediation.task.approved:success',
      'remediation.task.evaluated:success',
      'remediation.task.dry_run:success',
      'remediation.task.executed:success',
      'remediation.task.verified:success',
      'remediation.task.succeeded:success',
    ])
    expect((await r.audit.verify()).ok).toBe(true)
  })

  it('rejects a proposal no access policy allows, with the reason, and never runs it', async () => {
    const r = await rig()
    r.allow.value = false
    const task = await propose(r, 'api-1')
    expect(task.state).toBe('rejected')
    expect(task.decidedBy).toBe('access_policy')
    expect(task.result?.message).toBe(
      'refused by access_policy: no AccessPolicy allows restart_pod',
    )
    start(r)
    await Bun.sleep(100)
    expect(r.calls).toEqual([])
  })

  it('lets only one of two deciders win, and says why to the other', async () => {
    const r = await rig()
    const task = await propose(r, 'api-1', { approval: true })
    const results = await Promise.allSettled([
      r.remediation.service.approve(task.id, byHand, null),
      r.remediation.service.reject(task.id, { name: 'bob', actorType: 'user' }, 'no'),
    ])
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1)
    const failed = results.find((x) => x.status === 'rejected') as PromiseRejectedResult
    expect(String(failed.reason.message)).toMatch(/^task \d+ is (approved|rejected); only a task/)
  })

  it('returns the existing task for an idempotency key already used', async () => {
    const r = await rig()
    const a = await propose(r, 'api-1', { approval: true, key: 'k1' })
    const b = await r.remediation.service.propose(
      {
        action: 'restart_pod',
        params: { namespace: 'prod', pod: 'api-1' },
        reason: 'again',
        requester: { kind: 'policy', name: 'p' },
        idempotencyKey: 'k1',
        mode: 'auto',
      },
      byHand,
    )
    expect(b.created).toBe(false)
    expect(b.task.id).toBe(a.id)
    expect((await r.remediation.store.list({ limit: 10 })).length).toBe(1)
  })

  it('refuses invalid params before storing anything', async () => {
    const r = await rig()
    await expect(
      r.remediation.service.propose(
        {
          action: 'restart_pod',
          params: { namespace: 'prod' },
          reason: 'x',
          requester: { kind: 'user', name: 'a' },
          mode: 'approval',
        },
        byHand,
      ),
    ).rejects.toThrow(/params.pod/)
    await expect(
      r.remediation.service.propose(
        {
          action: 'reboot_everything',
          params: {},
          reason: 'x',
          requester: { kind: 'user', name: 'a' },
          mode: 'approval',
        },
        byHand,
      ),
    ).rejects.toThrow(/unknown action "reboot_everything"/)
    expect(await r.remediation.store.list({ limit: 10 })).toEqual([])
  })

  it('expires a task nobody decided in time', async () => {
    const r = await rig({ settings: { approvalTtlMs: 60_000 } })
    const task = await propose(r, 'api-1', { approval: true })
    await r.db.client.execute({
      sql: 'UPDATE remediation_tasks SET expires_at = ? WHERE id = ?',
      args: [Date.now() - 1, task.id],
    })
    start(r)
    const [done] = await settle(r)
    expect(done!.state).toBe('expired')
    expect(r.calls).toEqual([])
  })
})

describe('the guards', () => {
  it('in dry_run mode sends only the dry run and says so', async () => {
    const r = await rig({ settings: { mode: 'dry_run' } })
    await propose(r, 'api-1')
    start(r)
    const [done] = await settle(r)
    expect(done!.state).toBe('succeeded')
    expect(done!.result).toMatchObject({ dryRun: true })
    expect(done!.result!.message).toBe(
      'dry run only (VIGIL_REMEDIATION_MODE=dry_run): would delete pod prod/api-1',
    )
    expect(r.calls.map((c) => c.dryRun)).toEqual([true])
  })

  const refusals: [
    string,
    Parameters<typeof makeRig>[0],
    { namespace?: string; incident?: Incident },
    RegExp,
  ][] = [
    ['mode off', { settings: { mode: 'off' } }, {}, /^refused by mode: remediation is off/],
    [
      'a denied namespace',
      {},
      { namespace: 'kube-system' },
      /^refused by namespaces: namespace kube-system is denied by kube-system/,
    ],
    [
      'a namespace outside the allow list',
      { settings: { namespaces: { allow: ['prod-*'], deny: [] } } },
      { namespace: 'dev' },
      /^refused by namespaces: namespace dev is not in VIGIL_REMEDIATION_NAMESPACES/,
    ],
    [
      'stale evidence',
      { settings: { evidenceMaxAgeMs: 60_000 } },
      { incident: incident(7, { lastSeenAt: Date.now() - 600_000 }) },
      /^refused by evidence: the evidence is stale: incident 7 was last seen firing 10 min ago/,
    ],
    [
      'a resolved incident',
      {},
      { incident: incident(8, { status: 'resolved' }) },
      /^refused by evidence: incident 8 has resolved/,
    ],
    [
      'a blast radius too wide',
      { script: { impact: { unit: 'pods', affected: 3, total: 4 } } },
      {},
      /^refused by blast_radius: would affect 3 of 4 pods \(75 %\), more than 50 %/,
    ],
    [
      'the last schedulable node',
      { script: { impact: { unit: 'nodes', affected: 1, total: 3, schedulableAfter: 0 } } },
      {},
      /^refused by blast_radius: only 0 schedulable node\(s\) would remain; at least 1 must/,
    ],
    [
      'a zero rate limit',
      { settings: { maxPerHour: 0 } },
      {},
      /^refused by rate_limit: 0 changes in the last hour/,
    ],
  ]
  for (const [name, options, task, message] of refusals) {
    it(`refuses ${name} with its reason, before any request`, async () => {
      const r = await rig(options)
      if (task.incident) r.incidents.set(task.incident.id, task.incident)
      await propose(r, 'api-1', { namespace: task.namespace, incidentId: task.incident?.id })
      start(r)
      const [done] = await settle(r)
      expect(done!.state).toBe('rejected')
      expect(done!.result!.message).toMatch(message)
      expect(done!.decidedBy).toBe(`guard:${done!.result!.refusedBy}`)
      // Only the rate limit comes after the dry run; nothing ever changed.
      expect(r.calls.filter((c) => !c.dryRun)).toEqual([])
    })
  }

  it('holds the rate limits and anti-flapping under a burst of 100 tasks with four workers', async () => {
    const calls: Call[] = []
    const settings = {
      maxPerHour: 15,
      maxPerTarget: 2,
      maxPerNamespace: 1000,
      maxPerAction: 1000,
      workers: 4,
    }
    const a = await rig({ settings, calls, identity: 'a' })
    // 100 incidents: 10 pods, each firing 10 times.
    for (let i = 0; i < 100; i++) await propose(a, `api-${i % 10}`)
    start(a)
    const tasks = await settle(a, 30_000)
    const changed = calls.filter((c) => !c.dryRun)
    expect(tasks.filter((t) => t.state === 'succeeded')).toHaveLength(15)
    expect(changed).toHaveLength(15)
    const perPod = new Map<string, number>()
    for (const c of changed) perPod.set(c.task, (perPod.get(c.task) ?? 0) + 1)
    expect(Math.max(...perPod.values())).toBeLessThanOrEqual(2)
    const refused = tasks.filter((t) => t.state === 'rejected').map((t) => t.result!.refusedBy)
    expect(refused).toHaveLength(85)
    expect(new Set(refused)).toEqual(new Set(['rate_limit', 'anti_flapping']))
  }, 60_000)
})

describe('failures, leases and restarts', () => {
  it('retries a transient failure with backoff, then succeeds', async () => {
    const r = await rig({ script: { failures: [new TransientError('503 ServiceUnavailable')] } })
    const task = await propose(r, 'api-1')
    start(r)
    const [done] = await settle(r)
    expect(done!.state).toBe('succeeded')
    expect(done!.attempts).toBe(2)
    expect(await auditActions(r, task.id)).toContain('remediation.task.retry:failure')
  })

  it('fails a task after its last attempt, and at once on a permanent error', async () => {
    const r = await rig({
      settings: { maxAttempts: 2 },
      script: { failures: [new TransientError('busy'), new TransientError('busy')] },
    })
    await propose(r, 'api-1')
    start(r)
    const [done] = await settle(r)
    expect(done!.state).toBe('failed')
    expect(done!.attempts).toBe(2)
    expect(done!.result!.message).toBe('the change failed: busy')

    const p = await rig({ script: { failures: [new Error('403 Forbidden')] } })
    await propose(p, 'api-1')
    start(p)
    const [permanent] = await settle(p)
    expect(permanent!.state).toBe('failed')
    expect(permanent!.attempts).toBe(1)
  })

  it('fails a task whose verification does not pass', async () => {
    const r = await rig({ script: { verifyError: new Error('pod api-1 not Ready after 5 s') } })
    await propose(r, 'api-1')
    start(r)
    const [done] = await settle(r)
    expect(done!.state).toBe('failed')
    expect(done!.result!.message).toBe(
      'changed, but verification failed: pod api-1 not Ready after 5 s',
    )
  })

  it('stops before mutating when this process is no longer the leader', async () => {
    let leader = true
    const r = await rig({ leader: { isLeader: () => true, confirm: async () => leader } })
    leader = false
    await propose(r, 'api-1')
    start(r)
    await until(() => r.calls.length > 0, 2000, 'the dry run')
    await Bun.sleep(200)
    expect(r.calls.filter((c) => !c.dryRun)).toEqual([])
  })

  it('stops before mutating when the lease of the task was taken over', async () => {
    const r = await rig({ script: { impact: { unit: 'pods', affected: 1, total: 1 } } })
    const task = await propose(r, 'api-1')
    // Another worker takes the task over while this one is busy with the guards.
    const original = r.remediation.store.reserve.bind(r.remediation.store)
    r.remediation.store.reserve = async (...args) => {
      await r.db.client.execute({
        sql: "UPDATE remediation_tasks SET lease_owner = 'someone-else' WHERE id = ?",
        args: [task.id],
      })
      return original(...args)
    }
    start(r)
    await until(() => r.calls.length > 0, 2000, 'the dry run')
    await Bun.sleep(200)
    expect(r.calls.filter((c) => !c.dryRun)).toEqual([])
    const now = (await r.remediation.store.get(task.id))!
    expect(now.leaseOwner).toBe('someone-else')
  })

  it('resumes a task whose worker died after the change by verifying it, never changing again', async () => {
    const r = await rig()
    const task = await propose(r, 'api-1')
    await r.db.client.execute({
      sql: `UPDATE remediation_tasks SET state = 'running', phase = 'mutated', attempts = 1,
        lease_owner = 'dead#1', lease_until = ?, result = '{"message":"deleted pod prod/api-1","durationMs":5}'
        WHERE id = ?`,
      args: [Date.now() - 1000, task.id],
    })
    start(r)
    const [done] = await settle(r)
    expect(done!.state).toBe('succeeded')
    expect(done!.result!.verified).toBe('pod replaced and Ready')
    expect(r.calls).toEqual([])
  })

  it('fails a non-idempotent task interrupted while changing the cluster, and retries an idempotent one', async () => {
    for (const idempotent of [false, true]) {
      const r = await rig({ script: { idempotent } })
      const task = await propose(r, 'api-1')
      await r.db.client.execute({
        sql: `UPDATE remediation_tasks SET state = 'running', phase = 'mutating', attempts = 1,
          lease_owner = 'dead#1', lease_until = ? WHERE id = ?`,
        args: [Date.now() - 1000, task.id],
      })
      start(r)
      const [done] = await settle(r)
      if (idempotent) {
        expect(done!.state).toBe('succeeded')
        expect(r.calls.filter((c) => !c.dryRun)).toHaveLength(1)
      } else {
        expect(done!.state).toBe('failed')
        expect(done!.result!.message).toMatch(
          /^interrupted while changing the cluster .* not idempotent/,
        )
        expect(r.calls).toEqual([])
      }
    }
  })

  it('gives up on a task whose workers keep dying before it finishes', async () => {
    const r = await rig()
    const task = await propose(r, 'api-1')
    await r.db.client.execute({
      sql: `UPDATE remediation_tasks SET state = 'running', phase = 'dry_run', attempts = 5,
        lease_owner = 'dead#1', lease_until = ? WHERE id = ?`,
      args: [Date.now() - 1000, task.id],
    })
    start(r)
    const [done] = await settle(r)
    expect(done!.state).toBe('failed')
    expect(done!.result!.message).toMatch(/^claimed 6 times without finishing/)
    expect(r.calls).toEqual([])
  })

  it('never runs a task twice with two executors on one database', async () => {
    const calls: Call[] = []
    const a = await rig({
      settings: { workers: 2, maxPerHour: 1000, maxPerAction: 1000, maxPerNamespace: 1000 },
      calls,
      identity: 'a',
    })
    const b = await rig({
      settings: { workers: 2, maxPerHour: 1000, maxPerAction: 1000, maxPerNamespace: 1000 },
      calls,
      identity: 'b',
      file: a.file,
    })
    for (let i = 0; i < 60; i++) await propose(a, `api-${i}`)
    start(a)
    start(b)
    const tasks = await settle(a, 30_000)
    expect(tasks.every((t) => t.state === 'succeeded')).toBe(true)
    const changed = calls.filter((c) => !c.dryRun).map((c) => c.task)
    expect(changed).toHaveLength(60)
    expect(new Set(changed).size).toBe(60)
  }, 60_000)

  it('on shutdown finishes a short task in flight and releases a long one for another worker', async () => {
    const r = await rig({ script: { runMs: 2000, idempotent: true } })
    const task = await propose(r, 'api-1')
    const stop = start(r)
    await until(() => r.calls.some((c) => !c.dryRun), 2000, 'the change to start')
    stop.abort()
    // The grace period (300 ms in this rig) passes before the 2 s change ends: it is handed back.
    const released = await until(
      async () => {
        const t = (await r.remediation.store.get(task.id))!
        return t.leaseOwner === null || (t.leaseUntil ?? 0) <= Date.now() ? t : undefined
      },
      3000,
      'the task to be released',
    )
    expect(released.state).not.toBe('succeeded')
    // Another executor on the same database picks it up and finishes it.
    const other = await rig({
      file: r.file,
      identity: 'other',
      settings: { leaseMs: 1000 },
      script: { idempotent: true },
    })
    start(other)
    const [done] = await settle(other, 10_000)
    expect(done!.state).toBe('succeeded')
  }, 60_000)
})
