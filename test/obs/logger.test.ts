import { describe, expect, it } from 'bun:test'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createLogger, fileSink, nowRfc3339Nano } from '../../src/obs/logger.ts'
import { tempDir } from '../helpers/app.ts'

function capture(level: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = []
  return { lines, logger: createLogger(level, [(l) => lines.push(l)]) }
}

describe('logger', () => {
  it('nowRfc3339Nano() returns RFC 3339 UTC with nine fractional digits, close to Date.now()', () => {
    const ts = nowRfc3339Nano()
    expect(ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/)
    expect(Math.abs(Date.parse(ts) - Date.now())).toBeLessThan(1000)
  })

  it('createLogger() writes one JSON object per line with ts, level, msg and fields', () => {
    const { lines, logger } = capture('info')
    logger.info('listening', { port: 8080 })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toEndWith('}\n')
    expect(lines[0]!.trimEnd()).not.toContain('\n')
    const obj = JSON.parse(lines[0]!)
    expect(Object.keys(obj).slice(0, 3)).toEqual(['ts', 'level', 'msg'])
    expect(obj).toMatchObject({ level: 'info', msg: 'listening', port: 8080 })
  })

  it.each([
    ['debug', 4],
    ['info', 3],
    ['warn', 2],
    ['error', 1],
  ] as const)('createLogger(%p) keeps %p of the four levels', (level, kept) => {
    const { lines, logger } = capture(level)
    logger.debug('d')
    logger.info('i')
    logger.warn('w')
    logger.error('e')
    expect(lines).toHaveLength(kept)
  })

  it('child() adds its fields to every line; errors keep message and stack', () => {
    const { lines, logger } = capture('debug')
    logger.child({ component: 'flusher' }).error('flush failed', { err: new Error('disk full') })
    const obj = JSON.parse(lines[0]!)
    expect(obj.component).toBe('flusher')
    expect(obj.err.message).toBe('disk full')
    expect(obj.err.stack).toContain('logger.test.ts')
  })

  it('fileSink() appends lines to the file, creating its directory', () => {
    const dir = tempDir()
    const path = join(dir, 'logs', 'vigil.log')
    const logger = createLogger('info', [fileSink(path)])
    logger.info('one')
    logger.info('two')
    const lines = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).msg)
    expect(lines).toEqual(['one', 'two'])
    rmSync(dir, { recursive: true, force: true })
  })
})
