/** Helpers the benchmarks share: readiness polling, percentiles, sizes, RSS, a vigil to measure. */
import { readFileSync } from 'node:fs'

/** waitReady polls a URL until it answers 2xx, for at most `seconds`. */
export async function waitReady(url: string, what: string, seconds = 60): Promise<void> {
  const deadline = performance.now() + seconds * 1000
  for (;;) {
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    if (performance.now() > deadline) throw new Error(`${what} did not become ready`)
    await Bun.sleep(20)
  }
}

/** pct returns the p-quantile (0–1) of xs by the nearest-rank method. */
export const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!

/** mib formats bytes as MiB. */
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/** rss reads a process's resident set size in bytes from /proc. */
export const rss = (pid: number): number =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024

/** startMeasured creates an API token with `scopes` in `dir`, then starts `binary serve` there. */
export async function startMeasured(
  binary: string,
  dir: string,
  env: Record<string, string>,
  scopes: string,
  port: number,
) {
  const token = Bun.spawnSync([binary, 'token', 'create', '--name', 'bench', '--scopes', scopes], {
    cwd: dir,
    env,
  })
    .stdout.toString()
    .trim()
  const url = `http://127.0.0.1:${port}`
  const spawnedAt = performance.now()
  const proc = Bun.spawn([binary, 'serve', '--port', String(port), '--listen', '127.0.0.1'], {
    cwd: dir,
    env,
    stdout: 'ignore',
    stderr: 'inherit',
  })
  await waitReady(`${url}/readyz`, 'vigil')
  return { token, url, proc, spawnedAt, auth: { Authorization: `Bearer ${token}` } }
}
