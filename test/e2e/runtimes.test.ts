import { afterAll, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/app.ts'
import { root, startVigil } from './process.ts'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('runtimes', () => {
  it('deno run -A src/main.ts serve starts and answers /healthz', async () => {
    const dir = tempDir('vigil-deno-')
    dirs.push(dir)
    const deno = join(root, 'node_modules/.bin/deno')
    const vigil = await startVigil(
      [
        deno,
        'run',
        '-A',
        join(root, 'src/main.ts'),
        'serve',
        '--port',
        '0',
        '--listen',
        '127.0.0.1',
      ],
      { cwd: root, env: { VIGIL_DATA_DIR: dir, DENO_NO_UPDATE_CHECK: '1' }, timeoutMs: 90_000 },
    )
    try {
      const res = await fetch(`${vigil.url}/healthz`)
      expect(res.status).toBe(200)
      const metrics = await (await fetch(`${vigil.url}/metrics`)).text()
      expect(metrics).toContain('runtime="deno"')
      const ready = await fetch(`${vigil.url}/readyz`)
      expect(ready.status).toBe(200)
    } finally {
      expect(await vigil.stop('SIGTERM')).toBe(0)
    }
  }, 120_000)

  it('bun run src/main.ts works from another working directory and stops on SIGINT', async () => {
    const dir = tempDir('vigil-dev-')
    dirs.push(dir)
    const vigil = await startVigil(
      [process.execPath, 'run', join(root, 'src/main.ts'), '--port', '0', '--listen', '127.0.0.1'],
      { cwd: dir },
    )
    const page = await fetch(`${vigil.url}/`, {
      redirect: 'manual',
      headers: { Accept: 'text/html' },
    })
    expect(page.status).toBe(302)
    const login = await fetch(`${vigil.url}/login`)
    expect(await login.text()).toContain('Sign in to vigil')
    expect(await vigil.stop('SIGINT')).toBe(0)
    expect(vigil.lines.find((l) => l.msg === 'shutting down')?.reason).toBe('SIGINT')
  }, 60_000)
})
