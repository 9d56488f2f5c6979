import { afterAll, describe, expect, it } from 'bun:test'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../src/cli/index.ts'
import { tempDir } from '../helpers/app.ts'

const dir = tempDir()
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const nab = join(import.meta.dir, '../fixtures/anomaly/nab-iio-network-in.csv')
// A data dir that must not appear: `anomaly score` never opens the database.
const env = { VIGIL_DATA_DIR: join(dir, 'never-created') }

async function cli(argv: string[]) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) }, env)
  return { code, out, err }
}

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('cli anomaly', () => {
  it('runCli() anomaly score writes timestamp,value,anomaly_score with one row per input row, as given', async () => {
    const { code, out, err } = await cli(['anomaly', 'score', '--input', nab])
    expect(err).toBe('')
    expect(code).toBe(0)
    const input = readFileSync(nab, 'utf8').trim().split('\n')
    const output = out.trim().split('\n')
    expect(output[0]).toBe('timestamp,value,anomaly_score')
    expect(output).toHaveLength(input.length)
    for (let i = 1; i < input.length; i++) expect(output[i]!.startsWith(`${input[i]},`)).toBe(true)
    const scores = output.slice(1).map((l) => Number(l.split(',')[2]))
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true)
    expect(scores.some((s) => s >= 0.5)).toBe(true)
    expect(existsSync(env.VIGIL_DATA_DIR)).toBe(false)
  })

  it('runCli() anomaly score --output writes the same CSV to a file and scores a prefix like the whole', async () => {
    const output = join(dir, 'scores.csv')
    expect((await cli(['anomaly', 'score', '--input', nab, '--output', output])).code).toBe(0)
    const whole = readFileSync(output, 'utf8')
    expect(whole).toBe((await cli(['anomaly', 'score', '--input', nab])).out)
    const prefix = write(
      'prefix.csv',
      readFileSync(nab, 'utf8').split('\n').slice(0, 801).join('\n'),
    )
    const head = (await cli(['anomaly', 'score', '--input', prefix])).out.trim().split('\n')
    expect(head).toEqual(whole.split('\n').slice(0, 801))
  })

  it('runCli() anomaly score keeps timestamps it cannot reformat and scores missing values 0', async () => {
    const input = write(
      'forms.csv',
      'timestamp,value\n2026-11-01T00:00:00Z,1\n1793577900,\n2026-11-01 00:10:00.000000,NaN\n',
    )
    const { code, out } = await cli(['anomaly', 'score', '--input', input])
    expect(code).toBe(0)
    expect(out).toBe(
      'timestamp,value,anomaly_score\n2026-11-01T00:00:00Z,1,0\n1793577900,,0\n2026-11-01 00:10:00.000000,NaN,0\n',
    )
  })

  it.each([
    ['a missing file', ['--input', join(dir, 'nope.csv')], 1, 'nope.csv: no such file'],
    ['a bad header', ['--input', 'BAD_HEADER'], 1, ':1: the header must be "timestamp,value"'],
    ['a bad timestamp', ['--input', 'BAD_ROW'], 1, 'bad.csv:3: bad timestamp "yesterday"'],
    ['a bad value', ['--input', 'BAD_VALUE'], 1, 'value.csv:2: bad value "ten"'],
    ['no --input', [], 2, '--input FILE is needed'],
  ])('runCli() anomaly score exits with an error naming %s', async (_, flags, status, message) => {
    const paths: Record<string, string> = {
      BAD_HEADER: write('header.csv', 'time,val\n2026-11-01T00:00:00Z,1\n'),
      BAD_ROW: write('bad.csv', 'timestamp,value\n2026-11-01T00:00:00Z,1\nyesterday,2\n'),
      BAD_VALUE: write('value.csv', 'timestamp,value\n2026-11-01T00:00:00Z,ten\n'),
    }
    const args = flags.map((f) => paths[f] ?? f)
    const { code, err } = await cli(['anomaly', 'score', ...args])
    expect(code).toBe(status)
    expect(err).toContain(message)
  })

  it('runCli() anomaly exits 2 for an unknown subcommand and prints its help for --help', async () => {
    expect((await cli(['anomaly', 'frobnicate'])).code).toBe(2)
    const help = await cli(['anomaly', '--help'])
    expect(help.code).toBe(0)
    expect(help.out).toStartWith('Usage: vigil anomaly <score> [flags]')
    expect(help.out).toContain('--input FILE')
    expect(help.out).toContain('--output FILE')
  })
})
