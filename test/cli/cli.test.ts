import { afterAll, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { commands, runCli } from '../../src/cli/index.ts'
import { bundledMigrations } from '../../src/db/migrate.ts'
import { tempDir } from '../helpers/app.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function cli(argv: string[], env: Record<string, string> = {}) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) }, env)
  return { code, out, err }
}

describe('cli', () => {
  it('runCli() prints the usage with every command for --help', async () => {
    const { code, out } = await cli(['--help'])
    expect(code).toBe(0)
    for (const name of Object.keys(commands)) expect(out).toContain(`  ${name} `)
  })

  it.each(Object.keys(commands))(
    "the command table names %p with its module's own name and summary",
    async (name) => {
      const command = await commands[name]!.load()
      expect(command.name).toBe(name)
      expect(command.summary).toBe(commands[name]!.summary)
    },
  )

  it.each(Object.keys(commands))(
    'runCli() prints the help of %p with its settings',
    async (name) => {
      const { code, out } = await cli([name, '--help'])
      expect(code).toBe(0)
      expect(out).toMatch(new RegExp(`^Usage: vigil ${name}( <[^>]+>.*)? \\[flags\\]`))
      for (const flag of [
        '--port',
        '--listen',
        '--data-dir',
        '--db-url',
        '--log-level',
        '--log-file',
      ]) {
        expect(out).toContain(flag)
      }
      expect((await cli(['help', name])).out).toBe(out)
    },
  )

  it('runCli() exits 2 with the usage on stderr for an unknown command', async () => {
    const { code, out, err } = await cli(['frobnicate'])
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toStartWith('vigil: unknown command "frobnicate"')
    expect(err).toContain('Usage: vigil [command]')
  })

  it('runCli() exits 2 with the command usage on stderr for an unknown flag', async () => {
    const { code, err } = await cli(['migrate', '--frobnicate'])
    expect(code).toBe(2)
    expect(err).toContain("Unknown option '--frobnicate'")
    expect(err).toContain('Usage: vigil migrate [flags]')
  })

  it('runCli() exits 2 naming the setting when a value is invalid', async () => {
    const { code, err } = await cli(['version'], { VIGIL_LOG_LEVEL: 'loud' })
    expect(code).toBe(2)
    expect(err).toContain('VIGIL_LOG_LEVEL (environment): must be one of debug, info, warn, error')
    const flag = await cli(['migrate', '--port', 'x'])
    expect(flag.code).toBe(2)
    expect(flag.err).toContain('VIGIL_PORT (flag --port)')
  })

  it('runCli() prints the version as text or JSON', async () => {
    expect((await cli(['version'])).out).toMatch(
      /^vigil \d+\.\d+\.\d+ \(bun [\d.]+, linux\/\w+\)\n$/,
    )
    expect((await cli(['--version'])).code).toBe(0)
    const json = JSON.parse((await cli(['version', '--json'])).out)
    expect(json).toMatchObject({ runtime: 'bun', compiled: false })
  })

  it('runCli() migrate applies migrations to the configured data dir, then reports up to date', async () => {
    const env = { VIGIL_DATA_DIR: join(dir, 'm') }
    const status = await cli(['migrate', '--status'], env)
    const count = bundledMigrations().length
    expect(status.out).toContain(`pending: ${count}`)
    const first = await cli(['migrate'], env)
    expect(first.code).toBe(0)
    expect(first.out).toContain(`applied ${count} migration(s)`)
    expect(first.out).toContain('0000_init')
    const second = await cli(['migrate'], env)
    expect(second.out).toContain('is up to date')
    expect((await cli(['migrate', '--status'], env)).out).toContain('pending: none')
  })

  it('runCli() migrate exits 1 with the reason when the database cannot be opened', async () => {
    const { code, err } = await cli(['migrate', '--db-url', 'file:/proc/none/vigil.db'])
    expect(code).toBe(1)
    expect(err).toStartWith('vigil migrate: cannot open database file:/proc/none/vigil.db')
  })
})
