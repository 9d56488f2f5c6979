import { describe, expect, it } from 'bun:test'
import { readBasicConfig } from '../../src/cli/basic-config.ts'
import { loadConfig } from '../../src/config.ts'
import { ConfigError } from '../../src/config-source.ts'

describe('readBasicConfig (the agent, without zod)', () => {
  it('gives the same defaults as the full configuration', () => {
    const full = loadConfig({}, {})
    expect(readBasicConfig({}, {})).toEqual({
      dataDir: full.dataDir,
      logLevel: full.logLevel,
      logFile: full.logFile,
      shutdownTimeoutMs: full.shutdownTimeoutMs,
    })
  })

  it('takes the flag over the environment, as the full configuration does', () => {
    const env = {
      VIGIL_DATA_DIR: '/var/lib/a',
      VIGIL_LOG_LEVEL: 'warn',
      VIGIL_SHUTDOWN_TIMEOUT: '10s',
    }
    expect(readBasicConfig({ 'data-dir': '/tmp/b' }, env)).toEqual({
      dataDir: '/tmp/b',
      logLevel: 'warn',
      logFile: undefined,
      shutdownTimeoutMs: 10_000,
    })
  })

  it("lists every invalid value with where it came from, in the full configuration's words", () => {
    let err: unknown
    try {
      readBasicConfig({ 'shutdown-timeout': 'soon' }, { VIGIL_LOG_LEVEL: 'loud' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).problems).toEqual([
      'VIGIL_LOG_LEVEL (environment): must be one of debug, info, warn, error (got "loud")',
      'VIGIL_SHUTDOWN_TIMEOUT (flag --shutdown-timeout): must be a duration up to 5m, such as 30s (got "soon")',
    ])
  })

  it('refuses a config file rather than half-reading it', () => {
    expect(() => readBasicConfig({ config: 'vigil.yaml' }, {})).toThrow(
      /reads its settings from flags and VIGIL_\* variables only/,
    )
  })
})
