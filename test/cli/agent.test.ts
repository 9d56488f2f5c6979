import { describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { parseListen } from '../../src/cli/agent.ts'
import { runCli } from '../../src/cli/index.ts'

const fixture = join(import.meta.dir, '../fixtures/proc/4.19')

async function cli(argv: string[]) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) }, {})
  return { code, out, err }
}

describe('cli agent', () => {
  it('runCli() agent --once prints one JSON sample per line with the host label', async () => {
    const { code, out } = await cli(['agent', '--once', '--root', fixture])
    expect(code).toBe(0)
    const samples = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; labels: Record<string, string> })
    expect(samples.find((s) => s.name === 'node_load15')?.labels).toEqual({ host: 'worker-1' })
    expect(samples.filter((s) => s.name === 'node_cpu_seconds_total')).toHaveLength(32)
  })

  it('runCli() agent --once --hostname sets the host label', async () => {
    const { out } = await cli(['agent', '--once', '--root', fixture, '--hostname', 'node-a'])
    expect(out).toContain('"host":"node-a"')
    expect(out).not.toContain('worker-1')
  })

  it('runCli() agent without --server exits 2 saying it is required', async () => {
    const { code, err } = await cli(['agent'])
    expect(code).toBe(2)
    expect(err).toContain('--server URL is required')
  })

  it.each([
    [['--server', 'vigil:8080'], '--server must be an http:// or https:// URL'],
    [['--server', 'http://x', '--interval', 'soon'], '--interval must be a duration'],
    [['--server', 'http://x', '--buffer-max', 'lots'], '--buffer-max must be a size'],
    [['--server', 'http://x', '--listen', 'localhost'], '--listen must be host:port'],
  ])('runCli() agent %j exits 2 naming the bad flag', async (args, message) => {
    const { code, err } = await cli(['agent', ...args])
    expect(code).toBe(2)
    expect(err).toContain(message)
  })

  it('runCli() agent --help lists its own --listen, not the server setting of that name', async () => {
    const { code, out } = await cli(['agent', '--help'])
    expect(code).toBe(0)
    expect(out).toContain('--listen HOST:PORT')
    expect(out).not.toContain('--listen LISTEN')
    expect(out).toContain('--log-level')
  })

  it('parseListen() reads host:port, :port and [v6]:port', () => {
    expect(parseListen('127.0.0.1:9101')).toEqual({ hostname: '127.0.0.1', port: 9101 })
    expect(parseListen(':9101')).toEqual({ hostname: '0.0.0.0', port: 9101 })
    expect(parseListen('[::1]:0')).toEqual({ hostname: '::1', port: 0 })
  })
})
