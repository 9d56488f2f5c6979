/**
 * `vigil anomaly score`: scores a `timestamp,value` CSV with the server's detector and settings,
 * streaming line by line (any file size, constant memory), without opening the database.
 */
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { once } from 'node:events'
import {
  createSeries,
  csvHeader,
  detect,
  formatScore,
  isHeader,
  outputHeader,
  parseRow,
} from '../anomaly/index.ts'
import type { Command, CommandIO } from './command.ts'
import { UsageError } from './command.ts'

/** anomalyCommand scores a CSV file. */
export const anomalyCommand: Command = {
  name: 'anomaly',
  summary: 'Score a CSV of timestamp,value with the anomaly detector (anomaly score)',
  description:
    'Subcommands:\n' +
    '  score   read --input (a CSV with the header `timestamp,value`) and write\n' +
    '          `timestamp,value,anomaly_score`, one row per input row, timestamps as given,\n' +
    '          to --output or stdout. Scores are in [0, 1]; the alert threshold is 0.5.\n' +
    '          Timestamps: RFC 3339, `YYYY-MM-DD HH:MM:SS` (UTC) or epoch seconds/ms.\n' +
    '          An empty or NaN value is a missing sample (score 0). Exit 1 on a bad row.',
  args: '<score>',
  options: {
    input: { type: 'string', value: 'FILE', description: 'CSV to score (timestamp,value)' },
    output: { type: 'string', value: 'FILE', description: 'Where to write the scores (stdout)' },
    counter: { type: 'boolean', description: 'The values are a counter: score its rate' },
  },
  async run({ flags, positionals, io }) {
    const [sub, ...rest] = positionals
    if (sub !== 'score')
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed')
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`)
    const input = flags.input
    if (typeof input !== 'string') throw new UsageError('--input FILE is needed')
    if (!existsSync(input) || !statSync(input).isFile()) {
      io.err(`vigil anomaly: ${input}: no such file\n`)
      return 1
    }
    const output = typeof flags.output === 'string' ? flags.output : undefined
    return scoreFile(input, output, flags.counter === true, io)
  },
}

async function scoreFile(
  input: string,
  output: string | undefined,
  counter: boolean,
  io: CommandIO,
): Promise<number> {
  const lines = createInterface({ input: createReadStream(input), crlfDelay: Infinity })
  const file = output ? createWriteStream(output) : undefined
  let buffer = ''
  const flush = async () => {
    if (!file) io.out(buffer)
    else if (!file.write(buffer)) await once(file, 'drain')
    buffer = ''
  }
  const fail = async (message: string) => {
    lines.close()
    if (file) await new Promise((resolve) => file.end(resolve))
    io.err(`vigil anomaly: ${input}:${message}\n`)
    return 1
  }
  const series = createSeries({ counter })
  let n = 0
  for await (const line of lines) {
    n++
    if (n === 1) {
      if (!isHeader(line)) return fail(`1: the header must be "${csvHeader}", not "${line}"`)
      buffer = `${outputHeader}\n`
      continue
    }
    if (line.trim() === '') continue
    const row = parseRow(line)
    if (typeof row === 'string') return fail(`${n}: ${row}`)
    const valueText = line.slice(line.lastIndexOf(',') + 1).trim()
    buffer += `${row.timestamp},${valueText},${formatScore(detect(series, row.t, row.value).score)}\n`
    if (buffer.length > 65536) await flush()
  }
  if (n === 0) return fail(`1: empty file, the header must be "${csvHeader}"`)
  await flush()
  if (file) await new Promise((resolve) => file.end(resolve))
  return 0
}
