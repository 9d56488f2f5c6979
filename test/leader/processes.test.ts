import { afterEach, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import { openDatabase } from '../../src/db/client.ts'
import { migrate } from '../../src/db/migrate.ts'
import { tempDir } from '../helpers/app.ts'

// Long enough that a bun start-up on two busy cores does not lose a lease by mere slowness.
const leaseMs = 900
const renewMs = leaseMs / 3
const script = join(import.meta.dir, '../fixtures/leader/lead.ts')

interface Child {
  proc: Subprocess<'ignore', 'pipe', 'inherit'>
  /** lines are `lead|follow|ready|stopped <identity> <unix ms>`, as printed. */
  lines: { kind: string; at: number }[]
  killedAt?: number
}

let dir: string | undefined
let children: Child[] = []
afterEach(() => {
  for (const c of children) c.proc.kill(9)
  children = []
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function spawn(url: string): Child {
  const proc = Bun.spawn([process.execPath, script, url, String(leaseMs)], {
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const child: Child = { proc, lines: [] }
  void (async () => {
    let buffer = ''
    for await (const chunk of proc.stdout) {
      buffer += new TextDecoder().decode(chunk)
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const [kind, , at] = buffer.slice(0, nl).split(' ')
        child.lines.push({ kind: kind!, at: Number(at) })
        buffer = buffer.slice(nl + 1)
      }
    }
  })()
  children.push(child)
  return child
}

const leads = (c: Child) => {
  const last = c.lines.filter((l) => l.kind === 'lead' || l.kind === 'follow').at(-1)
  return c.killedAt === undefined && last?.kind === 'lead'
}

async function leaderOf(among: Child[], timeoutMs = 10_000): Promise<Child> {
  const start = Date.now()
  for (;;) {
    const found = among.filter(leads)
    if (found.length === 1) return found[0]!
    if (Date.now() - start > timeoutMs) throw new Error(`leaders: ${found.length}`)
    await Bun.sleep(10)
  }
}

/** intervals are the times each child led: from `lead` to `follow`, its kill, or now. */
function intervals(all: Child[]): { from: number; to: number; child: number }[] {
  const out: { from: number; to: number; child: number }[] = []
  all.forEach((c, child) => {
    let from: number | undefined
    for (const l of c.lines) {
      if (l.kind === 'lead') from = l.at
      if (l.kind === 'follow' && from !== undefined) {
        out.push({ from, to: l.at, child })
        from = undefined
      }
    }
    if (from !== undefined) out.push({ from, to: c.killedAt ?? Date.now(), child })
  })
  return out.sort((a, b) => a.from - b.from)
}

describe('database leadership across processes', () => {
  it('two processes on one file never lead at once across kill -9 and SIGTERM handovers', async () => {
    dir = tempDir()
    const url = `file:${join(dir, 'vigil.db')}`
    const db = await openDatabase(url)
    await migrate(db.client)
    db.close()

    let live = [spawn(url), spawn(url)]
    const takeovers: { how: string; ms: number }[] = []
    for (const how of ['kill', 'term', 'kill', 'kill']) {
      const leader = await leaderOf(live)
      const follower = live.find((c) => c !== leader)!
      // The follower must be up and trying before the leader goes.
      while (!follower.lines.some((l) => l.kind === 'ready')) await Bun.sleep(10)
      await Bun.sleep(renewMs)
      const goneAt = Date.now()
      if (how === 'kill') {
        leader.killedAt = goneAt
        leader.proc.kill(9)
      } else leader.proc.kill('SIGTERM')
      await leader.proc.exited
      const next = await leaderOf([follower])
      const ledAt = next.lines.findLast((l) => l.kind === 'lead')!.at
      takeovers.push({ how, ms: ledAt - goneAt })
      live = [follower, spawn(url)]
    }

    const spans = intervals(children)
    expect(spans.length).toBeGreaterThanOrEqual(5)
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.child).not.toBe(spans[i - 1]!.child)
      expect(spans[i]!.from).toBeGreaterThanOrEqual(spans[i - 1]!.to)
    }
    for (const t of takeovers) {
      // kill -9 leaves the lease to expire (renewed at most renewMs before the kill); a SIGTERM
      // releases it, so the follower's next retry takes it.
      if (t.how === 'kill') expect(t.ms).toBeGreaterThanOrEqual(leaseMs - renewMs - 100)
      else expect(t.ms).toBeLessThan(leaseMs - renewMs)
    }
  }, 60_000)
})
