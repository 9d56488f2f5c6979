/** Runs test/fixtures/leader/lead.ts as child processes and reads who led when from their output. */
import { join } from 'node:path'
import type { Subprocess } from 'bun'

const script = join(import.meta.dir, '../fixtures/leader/lead.ts')

/** LeaderChild is one running lead.ts. */
export interface LeaderChild {
  proc: Subprocess<'ignore', 'pipe', 'inherit'>
  /** lines are `lead|follow|ready|stopped <identity> <unix ms>`, as printed. */
  lines: { kind: string; at: number }[]
  killedAt?: number
}

/** Span is one period in which child `child` (index in spawn order) led. */
export interface Span {
  from: number
  to: number
  child: number
}

/** spawnLeader starts lead.ts on `target` (a `file:` URL or `kube:<kubeconfig>`) and adds it to `all`. */
export function spawnLeader(target: string, leaseMs: number, all: LeaderChild[]): LeaderChild {
  const proc = Bun.spawn([process.execPath, script, target, String(leaseMs)], {
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const child: LeaderChild = { proc, lines: [] }
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
  all.push(child)
  return child
}

/** leads says whether the child is alive and its last change was to lead. */
export function leads(c: LeaderChild): boolean {
  const last = c.lines.filter((l) => l.kind === 'lead' || l.kind === 'follow').at(-1)
  return c.killedAt === undefined && last?.kind === 'lead'
}

/** leaderOf waits until exactly one of `among` leads and returns it. */
export async function leaderOf(among: LeaderChild[], timeoutMs = 10_000): Promise<LeaderChild> {
  const start = Date.now()
  for (;;) {
    const found = among.filter(leads)
    if (found.length === 1) return found[0]!
    if (Date.now() - start > timeoutMs) throw new Error(`leaders: ${found.length}`)
    await Bun.sleep(10)
  }
}

/** intervals are the times each child led: from `lead` to `follow`, its kill, or now. */
export function intervals(all: LeaderChild[]): Span[] {
  const out: Span[] = []
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
