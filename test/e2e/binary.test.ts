import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { assets } from '../../src/runtime/assets.ts'
import { tempDir } from '../helpers/app.ts'
import { copyBinary, startVigil, type VigilProcess } from './process.ts'

let dir: string
let binary: string
let vigil: VigilProcess
let adminPassword = ''
let cookie = ''

beforeAll(async () => {
  dir = tempDir('vigil-e2e-')
  binary = copyBinary(dir)
  // A stray .env and bunfig.toml in the working directory must not change anything.
  writeFileSync(join(dir, '.env'), 'VIGIL_LISTEN=256.0.0.1\nVIGIL_LOG_LEVEL=nonsense\n')
  writeFileSync(join(dir, 'bunfig.toml'), 'preload = ["./nope.ts"]\n')
  vigil = await startVigil([binary, '--port', '0', '--listen', '127.0.0.1'], { cwd: dir })
}, 60_000)

afterAll(async () => {
  vigil?.proc.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

describe('compiled binary', () => {
  it('starts from an empty directory and creates ./data/vigil.db there', async () => {
    expect(existsSync(join(dir, 'data', 'vigil.db'))).toBe(true)
    const starting = vigil.lines.find((l) => l.msg === 'starting') as { compiled: boolean }
    expect(starting.compiled).toBe(true)
  })

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${vigil.url}/healthz`)
    expect(health.status).toBe(200)
    const ready = await fetch(`${vigil.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(((await ready.json()) as { status: string }).status).toBe('ready')
  })

  it('serves /metrics that promtool check metrics accepts', async () => {
    await fetch(`${vigil.url}/healthz`)
    const text = await (await fetch(`${vigil.url}/metrics`)).text()
    expect(text).toContain('vigil_build_info{version=')
    expect(text).toContain('runtime="bun"')
    expect(text).toContain('vigil_http_requests_total{method="GET",route="/healthz",status="200"}')
    expect(text).toContain('vigil_http_request_duration_seconds_bucket')
    expect(text).toContain('process_resident_memory_bytes')
    const check = Bun.spawnSync(['promtool', 'check', 'metrics'], { stdin: Buffer.from(text) })
    const said = check.stdout.toString() + check.stderr.toString()
    expect({ exit: check.exitCode, said }).toEqual({ exit: 0, said: '' })
  })

  it('prints the generated admin password once on stdout, never in a log line', () => {
    const printed = vigil.lines.map((l) => String(l.raw ?? '')).join('\n')
    const match = /created user "admin" with password: (\S+)/.exec(printed)
    expect(match).not.toBeNull()
    adminPassword = match![1]!
    expect(adminPassword.length).toBeGreaterThanOrEqual(20)
    const logged = vigil.lines.filter((l) => l.msg !== undefined)
    expect(JSON.stringify(logged)).not.toContain(adminPassword)
  })

  it('sends a browser to /login, and signs in with that password', async () => {
    const page = await fetch(`${vigil.url}/`, {
      headers: { Accept: 'text/html' },
      redirect: 'manual',
    })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe('/login?next=%2F')
    const res = await fetch(`${vigil.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Origin: vigil.url, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'admin', password: adminPassword }),
    })
    expect(res.status).toBe(303)
    cookie = res.headers.getSetCookie()[0]!.split(';')[0]!
    expect(cookie).toStartWith('vigil_session=')
  })

  it('renders the dashboard at / with its embedded assets', async () => {
    const res = await fetch(`${vigil.url}/`, { headers: { Cookie: cookie } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await res.text()
    expect(html).toContain('<h1>Overview</h1>')
    expect(html).toContain('(compiled)')
    const src = /src="(\/static\/htmx\.min\.js\?v=[^"]+)"/.exec(html)![1]!
    const js = await fetch(`${vigil.url}${src}`)
    expect(js.status).toBe(200)
    expect(js.headers.get('cache-control')).toContain('immutable')
    expect(js.headers.get('etag')).toBe(`"${assets['htmx.min.js']!.hash}"`)
    expect((await js.text()).length).toBe(assets['htmx.min.js']!.body.length)
  })

  it('logs requests as JSON lines with the route template', async () => {
    await fetch(`${vigil.url}/dashboard/logs`, {
      headers: { 'X-Request-Id': 'e2e-req-1', Cookie: cookie },
    })
    await Bun.sleep(50)
    const line = vigil.lines.find((l) => l.request_id === 'e2e-req-1')
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/dashboard/logs',
      status: 200,
    })
    expect(String(line?.ts)).toMatch(/\.\d{9}Z$/)
  })

  it('exits 2 with usage for an unknown flag and for an invalid setting', () => {
    const flag = Bun.spawnSync([binary, '--nope'], { cwd: dir })
    expect(flag.exitCode).toBe(2)
    expect(flag.stderr.toString()).toContain("Unknown option '--nope'")
    const bad = Bun.spawnSync([binary, 'version'], { cwd: dir, env: { VIGIL_PORT: 'many' } })
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr.toString()).toContain('VIGIL_PORT (environment): must be a number')
  })

  it('audits the sign-in, and `vigil audit verify` finds the chain intact', async () => {
    const res = await fetch(`${vigil.url}/api/v1/audit?action=auth.`, {
      headers: { Cookie: cookie },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      entries: { action: string; actor: string; outcome: string }[]
    }
    expect(body.entries.at(-1)).toMatchObject({
      action: 'auth.login',
      actor: 'admin',
      outcome: 'success',
    })
    const verify = Bun.spawnSync([binary, 'audit', 'verify'], { cwd: dir })
    expect(verify.exitCode).toBe(0)
    expect(verify.stdout.toString()).toMatch(/^audit trail intact: \d+ entries/)
  })

  it('stops on SIGTERM: exits 0 after logging that it stopped', async () => {
    const started = performance.now()
    const code = await vigil.stop('SIGTERM')
    expect(code).toBe(0)
    expect(performance.now() - started).toBeLessThan(30_000)
    expect(vigil.lines.map((l) => l.msg)).toContain('stopped')
    await expect(fetch(`${vigil.url}/healthz`)).rejects.toThrow()
  })
})
