/**
 * The queue of unsent batches, in memory and, once a send has failed or the agent stops, on disk
 * (one gzip file per batch in `dir`, named by sequence number so a restart drains them in order).
 * Bounded by bytes: beyond `maxBytes` the oldest batches are dropped first and counted.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Batch is one collection's ingest body (gzip JSON) with its place in the queue. */
export interface Batch {
  seq: number
  body: Uint8Array<ArrayBuffer>
  samples: number
  onDisk: boolean
}

/** BatchQueueOptions bound the queue and say where it persists. */
export interface BatchQueueOptions {
  dir?: string
  maxBytes: number
  /** onDrop hears of each batch dropped to stay under the bound. */
  onDrop?: (batch: Batch) => void
  onError?: (message: string) => void
}

const fileName = (b: { seq: number; samples: number }) =>
  `${String(b.seq).padStart(16, '0')}-${b.samples}.json.gz`
const filePattern = /^(\d{16})-(\d+)\.json\.gz$/

/** BatchQueue is a bounded FIFO of batches mirrored to a directory. */
export class BatchQueue {
  private batches: Batch[] = []
  private nextSeq = 1
  private total = 0
  private dirReady = false

  constructor(private readonly options: BatchQueueOptions) {}

  /** load reads the batches a previous run left in the directory, oldest first. */
  load(): number {
    const { dir } = this.options
    if (!dir) return 0
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return 0
    }
    const found = names
      .map((n) => filePattern.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ seq: Number(m[1]), samples: Number(m[2]), name: m[0] }))
      .sort((a, b) => a.seq - b.seq)
    for (const f of found) {
      const body = new Uint8Array(readFileSync(join(dir, f.name)))
      this.batches.push({ seq: f.seq, samples: f.samples, body, onDisk: true })
      this.total += body.byteLength
      this.nextSeq = Math.max(this.nextSeq, f.seq + 1)
    }
    this.enforce()
    return found.length
  }

  /** push appends a batch, dropping the oldest while the queue is over its bound. */
  push(body: Uint8Array<ArrayBuffer>, samples: number): Batch {
    const batch = { seq: this.nextSeq++, body, samples, onDisk: false }
    this.batches.push(batch)
    this.total += body.byteLength
    this.enforce()
    return batch
  }

  /** head is the oldest batch, the next to send. */
  head(): Batch | undefined {
    return this.batches[0]
  }

  /** remove takes a batch out of the queue and off the disk; false when the bound dropped it already. */
  remove(batch: Batch): boolean {
    const i = this.batches.indexOf(batch)
    if (i < 0) return false
    this.batches.splice(i, 1)
    this.total -= batch.body.byteLength
    this.unlink(batch)
    return true
  }

  /** persist writes every batch not yet on disk; false when there is no usable directory. */
  persist(): boolean {
    const { dir } = this.options
    if (!dir) return false
    try {
      if (!this.dirReady) mkdirSync(dir, { recursive: true })
      this.dirReady = true
      for (const b of this.batches) {
        if (b.onDisk) continue
        writeFileSync(join(dir, fileName(b)), b.body)
        b.onDisk = true
      }
      return true
    } catch (err) {
      this.options.onError?.(`cannot persist the buffer in ${dir}: ${(err as Error).message}`)
      return false
    }
  }

  /** length is the number of queued batches. */
  get length(): number {
    return this.batches.length
  }

  /** bytes is the size of the queued bodies. */
  get bytes(): number {
    return this.total
  }

  private enforce(): void {
    // The newest batch always stays, even when it alone is over the bound.
    while (this.total > this.options.maxBytes && this.batches.length > 1) {
      const oldest = this.batches.shift()!
      this.total -= oldest.body.byteLength
      this.unlink(oldest)
      this.options.onDrop?.(oldest)
    }
  }

  private unlink(batch: Batch): void {
    if (!batch.onDisk || !this.options.dir) return
    rmSync(join(this.options.dir, fileName(batch)), { force: true })
  }
}
