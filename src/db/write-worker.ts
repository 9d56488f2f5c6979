/**
 * The write worker (see `workerWriter`): its own libSQL connection to the embedded database, on
 * which it runs each batch it is sent as one write transaction and answers with the results.
 */
import { createClient, type Client } from '@libsql/client'
import type { WorkerReply, WorkerRequest } from './writer.ts'

declare const self: Worker

let client: Client | undefined

self.addEventListener('message', async (e: MessageEvent<WorkerRequest>) => {
  const req = e.data
  if (req.kind === 'open') {
    client = createClient({ url: req.url, timeout: req.timeout })
    return
  }
  let reply: WorkerReply
  try {
    if (!client) throw new Error('write worker: no database open')
    if (req.kind === 'close') {
      client.close()
      client = undefined
      reply = { id: req.id, ok: true, results: [] }
    } else {
      const results = await client.batch(req.stmts, 'write')
      reply = {
        id: req.id,
        ok: true,
        results: results.map((r) => ({
          rowsAffected: r.rowsAffected,
          rows: r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))),
        })),
      }
    }
  } catch (err) {
    reply = { id: req.id, ok: false, message: (err as Error).message }
  }
  self.postMessage(reply)
})
