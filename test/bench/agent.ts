/**
 * `npm run bench:agent`: the compiled agent against this machine's real /proc, sending to a local
 * sink, first at the default --interval 10s for 60 s, then at 1s for 30 s (ten times the work).
 * Prints the agent's CPU as a percentage of one core (utime + stime deltas from /proc/<pid>/stat),
 * its RSS (VmRSS), the samples per collection and the collection time. Never asserted.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeIngest } from '../agent/fake-ingest.ts'
import { mib, rss, waitReady } from './lib.ts'

const root = join(import.meta.dir, '../..')
const binary = join(root, 'dist/vigil')
if (!existsSync(binary)) {
  console.error('dist/vigil is missing: run ./compile.sh first')
  process.exit(1)
}
const USER_HZ = 100
const cpuTicks = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(f[11]) + Number(f[12]) // utime, stime (fields 14 and 15)
}
const metric = (text: string, name: string) =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)

async function phase(interval: string, seconds: number): Promise<void> {
  const sink = startFakeIngest()
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-agent-'))
  const port = 19_000 + Math.floor(Math.random() * 1000)
  const proc = Bun.spawn(
    [
      binary,
      'agent',
      '--server',
      sink.url,
      '--interval',
      interval,
      '--listen',
      `127.0.0.1:${port}`,
    ],
    { cwd: dir, stdout: 'ignore', stderr: 'inherit', env: { PATH: process.env.PATH ?? '' } },
  )
  try {
    await waitReady(`http://127.0.0.1:${port}/healthz`, 'vigil agent')
    await Bun.sleep(2000) // past start-up
    const t0 = performance.now()
    const c0 = cpuTicks(proc.pid)
    const rssSeen: number[] = []
    const end = t0 + seconds * 1000
    while (performance.now() < end) {
      await Bun.sleep(1000)
      rssSeen.push(rss(proc.pid))
    }
    const cpuSeconds = (cpuTicks(proc.pid) - c0) / USER_HZ
    const wall = (performance.now() - t0) / 1000
    const own = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    const perBatch = sink.requests.length ? sink.accepted().length / sink.requests.length : 0
    console.log(
      `agent --interval ${interval}, ${seconds} s: CPU ${((100 * cpuSeconds) / wall).toFixed(2)} % of one core, ` +
        `RSS ${mib(rssSeen[rssSeen.length - 1]!)} (max ${mib(Math.max(...rssSeen))}), ` +
        `${sink.requests.length} batches of ${perBatch.toFixed(0)} samples, ` +
        `last collection ${(metric(own, 'vigil_agent_collect_duration_seconds') * 1000).toFixed(1)} ms, ` +
        `send failures ${metric(own, 'vigil_agent_send_failures_total')}`,
    )
  } finally {
    proc.kill('SIGTERM')
    await proc.exited
    sink.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

await phase('10s', 60)
await phase('1s', 30)
