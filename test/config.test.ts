import { afterAll, describe, expect, it } from 'bun:test'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, loadConfig, redactedConfig, settings } from '../src/config.ts'
import { tempDir } from './helpers/app.ts'

const dir = tempDir()
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('config', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('loadConfig() returns the documented defaults when nothing is set', () => {
    const config = loadConfig({}, {})
    expect(config).toMatchObject({
      port: 8080,
      listen: '0.0.0.0',
      dataDir: './data',
      dbUrl: 'file:data/vigil.db',
      logLevel: 'info',
      logFile: undefined,
      bodyLimit: 10 * 1024 * 1024,
      shutdownTimeoutMs: 30_000,
    })
  })

  it('loadConfig() puts the database in the data dir unless VIGIL_DB_URL says otherwise', () => {
    expect(loadConfig({}, { VIGIL_DATA_DIR: '/var/lib/vigil' }).dbUrl).toBe(
      'file:/var/lib/vigil/vigil.db',
    )
    expect(
      loadConfig({}, { VIGIL_DATA_DIR: '/x', VIGIL_DB_URL: 'libsql://db.example.com' }).dbUrl,
    ).toBe('libsql://db.example.com')
  })

  it('loadConfig() prefers a flag to the environment and the environment to the file', () => {
    const yaml = file('precedence.yaml', 'port: 7000\nlisten: 127.0.0.1\nlog_level: warn\n')
    const config = loadConfig({ config: yaml, port: '9000' }, { VIGIL_LISTEN: '::1' })
    expect(config.port).toBe(9000)
    expect(config.listen).toBe('::1')
    expect(config.logLevel).toBe('warn')
    expect(config.configFile).toBe(yaml)
  })

  it('loadConfig() reads the file named by VIGIL_CONFIG', () => {
    const yaml = file('env.yaml', 'body_limit: 1MiB\nshutdown_timeout: 5s\n')
    const config = loadConfig({}, { VIGIL_CONFIG: yaml })
    expect(config.bodyLimit).toBe(1024 * 1024)
    expect(config.shutdownTimeoutMs).toBe(5000)
  })

  it.each([
    [{ VIGIL_PORT: 'abc' }, 'VIGIL_PORT (environment): must be a number (got "abc")'],
    [{ VIGIL_PORT: '70000' }, 'VIGIL_PORT (environment): must be between 0 and 65535'],
    [{ VIGIL_PORT: '80.5' }, 'VIGIL_PORT (environment): must be a whole number'],
    [{ VIGIL_LOG_LEVEL: 'verbose' }, 'VIGIL_LOG_LEVEL (environment): must be one of debug, info'],
    [{ VIGIL_DB_URL: 'postgres://x' }, 'VIGIL_DB_URL (environment): must start with file:'],
    [{ VIGIL_BODY_LIMIT: 'lots' }, 'VIGIL_BODY_LIMIT (environment): must be a size such as'],
    [{ VIGIL_BODY_LIMIT: '10' }, 'VIGIL_BODY_LIMIT (environment): must be between 1024'],
    [{ VIGIL_SHUTDOWN_TIMEOUT: '1y' }, 'VIGIL_SHUTDOWN_TIMEOUT (environment): must be a duration'],
    [{ VIGIL_LISTEN: 'a b' }, 'VIGIL_LISTEN (environment): must be an IP address or a host name'],
  ])('loadConfig(%p) fails naming the setting', (env, message) => {
    const problems = problemsOf(() => loadConfig({}, env))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toStartWith(message)
  })

  it('loadConfig() names the flag when the bad value came from one', () => {
    expect(problemsOf(() => loadConfig({ port: 'x' }, {}))[0]).toStartWith(
      'VIGIL_PORT (flag --port): must be a number',
    )
  })

  it('loadConfig() reports every bad setting at once', () => {
    const problems = problemsOf(() => loadConfig({}, { VIGIL_PORT: '-1', VIGIL_LOG_LEVEL: 'x' }))
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['VIGIL_PORT', 'VIGIL_LOG_LEVEL'])
  })

  it('loadConfig() names the file and key for a bad value in the YAML file', () => {
    const yaml = file('bad.yaml', 'port: eighty\n')
    expect(problemsOf(() => loadConfig({ config: yaml }, {}))[0]).toBe(
      `VIGIL_PORT (${yaml}: port): must be a number (got "eighty")`,
    )
  })

  it('loadConfig() refuses unknown keys, invalid YAML and a missing file', () => {
    expect(problemsOf(() => loadConfig({ config: file('u.yaml', 'prot: 1\n') }, {}))[0]).toContain(
      'unknown key "prot"',
    )
    expect(problemsOf(() => loadConfig({ config: file('i.yaml', 'port: [\n') }, {}))[0]).toContain(
      'not valid YAML',
    )
    expect(problemsOf(() => loadConfig({ config: file('l.yaml', '- 1\n') }, {}))[0]).toContain(
      'must be a mapping',
    )
    expect(problemsOf(() => loadConfig({ config: join(dir, 'nope.yaml') }, {}))[0]).toContain(
      'cannot read',
    )
  })

  it('loadConfig() never echoes a secret in its errors', () => {
    const problems = problemsOf(() => loadConfig({ 'db-auth-token': '' }, {}))
    expect(problems).toEqual(['VIGIL_DB_AUTH_TOKEN (flag --db-auth-token): must not be empty'])
  })

  it('redactedConfig() masks the auth token and URL credentials', () => {
    const config = loadConfig(
      {},
      { VIGIL_DB_URL: 'libsql://user:pw@db.example.com', VIGIL_DB_AUTH_TOKEN: 'sekrit' },
    )
    const shown = JSON.stringify(redactedConfig(config))
    expect(shown).not.toContain('sekrit')
    expect(shown).not.toContain('pw@')
  })

  it('settings each have an env var, a flag and a file key', () => {
    for (const setting of Object.values(settings)) {
      expect(setting.env).toMatch(/^VIGIL_[A-Z0-9_]+$/)
      expect(setting.flag).toMatch(/^[a-z0-9-]+$/)
      expect(setting.file).toMatch(/^[a-z0-9_]+$/)
    }
  })
})
