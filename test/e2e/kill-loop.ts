/**
 * The kill -9 loop shared by the crash tests: two writers post batches without pause while vigil
 * is killed with SIGKILL at a random moment, round after round. Each batch remembers whether it
 * was acknowledged, so the test can then check that every acknowledged batch is stored and no
 * unacknowledged one is stored in part.
 */
import { startVigil, type VigilProcess } from './process.ts'

/** Batch is one posted batch: its number and whether the server answered 200. */
export interface Batch {
  k: number
  acked: boolean
}

/** KillLoop says how to start vigil and what one batch is. */
export interface KillLoop {
  rounds: number
  argv: string[]
  cwd: string
  env: Record<string, string>
  token: string
  /** path is the ingest route, e.g. `/api/v1/ingest/metrics`. */
  path: string
  payload: (k: number) => unknown
}

/** killLoop runs the rounds and returns every batch posted, in order. */
export async function killLoop(loop: KillLoop): Promise<Batch[]> {
  const batches: Batch[] = []
  let k = 0
  for (let round = 0; round < loop.rounds; round++) {
    const vigil: VigilProcess = await startVigil(loop.argv, { cwd: loop.cwd, env: loop.env })
    let stop = false
    const writers = [0, 1].map(async () => {
      while (!stop) {
        const batch: Batch = { k: k++, acked: false }
        batches.push(batch)
        try {
          const res = await fetch(`${vigil.url}${loop.path}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${loop.token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(loop.payload(batch.k)),
          })
          if (res.status === 200) batch.acked = true
          else if (!stop) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
        } catch (err) {
          // Once the kill is sent, refused connections and cut replies are expected.
          if (!stop) throw err
        }
      }
    })
    await Bun.sleep(150 + Math.random() * 1200)
    vigil.proc.kill('SIGKILL')
    stop = true
    await vigil.proc.exited
    await Promise.all(writers)
  }
  return batches
}

/** lostAndTorn lists acknowledged batches not stored whole, and unacknowledged ones stored in part. */
export function lostAndTorn(batches: Batch[], stored: Map<number, number>, perBatch: number) {
  return {
    lost: batches.filter((b) => b.acked && stored.get(b.k) !== perBatch).map((b) => b.k),
    torn: batches
      .filter((b) => !b.acked && stored.has(b.k) && stored.get(b.k) !== perBatch)
      .map((b) => `${b.k}: ${stored.get(b.k)}`),
  }
}
