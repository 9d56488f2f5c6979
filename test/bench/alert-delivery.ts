/**
 * `npm run bench:alert-delivery`: the figure, end to end through the compiled binary:
 * from POSTing a sample that crosses a `for: 0s` threshold to a webhook receiver on loopback
 * getting the `triggered` notification (ingest, WAL commit, the rule's bus wake-up, the PromQL
 * query, the incident, the durable outbox, the sender). Each crossing is followed by a sample back
 * under the threshold and its `resolved` notification, so every crossing is a new episode (the
 * incident reopens). Median and p99 are printed, never asserted. Flags: --crossings N (default 50).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { pct, startMeasured } from './lib.ts'

const { values } = parseArgs({ options: { crossings: { type: 'string', default: '50' } } })
const crossings = Number(values.crossings)
const binary = join(import.meta.dir, '../../dist/vigil')
if (!existsSync(binary)) {
  console.error('dist/vigil is missing: run ./compile.sh first')
  process.exit(1)
}

// The receiver: each notification resolves whoever waits for its event.
const waiting = new Map<string, (at: number) => void>()
const receiver = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    const at = performance.now()
    const body = (await req.json()) as { event: string }
    waiting.get(body.event)?.(at)
    waiting.delete(body.event)
    return new Response('ok')
  },
})
const heard = (event: string) => new Promise<number>((resolve) => waiting.set(event, resolve))

const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-alert-'))
const env = {
  PATH: process.env.PATH ?? '',
  HOME: dir,
  VIGIL_DATA_DIR: join(dir, 'data'),
  VIGIL_ADMIN_PASSWORD: 'bench-alert-passphrase',
  VIGIL_LOG_LEVEL: 'warn',
}
const { url, auth, proc } = await startMeasured(
  binary,
  dir,
  env,
  'ingest:write,policies:write,policies:read,incidents:read',
  19700 + Math.floor(Math.random() * 90),
)
async function post(path: string, body: unknown, expected: number) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status !== expected)
    throw new Error(`${path} answered ${res.status}: ${await res.text()}`)
}
await post(
  '/api/v1/channels',
  { name: 'hook', type: 'webhook', config: { url: `http://127.0.0.1:${receiver.port}/hook` } },
  201,
)
await post(
  '/api/v1/policies',
  {
    apiVersion: 'vigil/v1',
    kind: 'AlertRule',
    metadata: { name: 'hot' },
    spec: { expr: 'bench_temperature > 90', for: '0s', severity: 'high', notify: ['hook'] },
  },
  201,
)
const sample = (value: number) => ({
  samples: [{ name: 'bench_temperature', labels: { room: 'a' }, value, ts: Date.now() }],
})
await post('/api/v1/ingest/metrics', sample(20), 200)
await Bun.sleep(200)
const lags: number[] = []
for (let i = 0; i < crossings + 3; i++) {
  const triggered = heard('triggered')
  const sent = performance.now()
  await post('/api/v1/ingest/metrics', sample(95), 200)
  const lag = (await triggered) - sent
  if (i >= 3) lags.push(lag) // the first crossings warm up (JIT, first queries)
  const resolved = heard('resolved')
  await post('/api/v1/ingest/metrics', sample(20), 200)
  await resolved
  await Bun.sleep(50)
}
console.log(
  `sample crossing a for: 0s threshold → webhook delivery: median ${pct(lags, 0.5).toFixed(1)} ms, ` +
    `p99 ${pct(lags, 0.99).toFixed(1)} ms, max ${Math.max(...lags).toFixed(1)} ms over ${lags.length} crossings ` +
    '(compiled binary, loopback webhook)',
)
proc.kill('SIGTERM')
await proc.exited
await receiver.stop(true)
rmSync(dir, { recursive: true, force: true })
