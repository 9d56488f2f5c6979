/** A fake ingest server for the agent tests: records the batches it accepts, fails on demand. */
import { gunzipSync } from 'node:zlib'

/** Received is one request the fake saw, with its samples decoded. */
export interface Received {
  status: number
  at: number
  auth: string | null
  samples: { name: string; labels: Record<string, string>; value: number; ts: number }[]
}

/** FakeIngest is a running fake; `respond` decides each reply (200 by default). */
export interface FakeIngest {
  url: string
  port: number
  requests: Received[]
  /** accepted are the samples of the requests answered 200, in order. */
  accepted(): Received['samples']
  respond: (n: number) => Response | undefined
  stop(): void
}

/** startFakeIngest listens on `port` (0: any) and answers POST /api/v1/ingest/metrics. */
export function startFakeIngest(port = 0): FakeIngest {
  const fake: FakeIngest = {
    url: '',
    port: 0,
    requests: [],
    accepted: () => fake.requests.filter((r) => r.status === 200).flatMap((r) => r.samples),
    respond: () => undefined,
    stop: () => server.stop(true),
  }
  const server = Bun.serve({
    port,
    hostname: '127.0.0.1',
    async fetch(req) {
      const raw = new Uint8Array(await req.arrayBuffer())
      const text =
        req.headers.get('content-encoding') === 'gzip'
          ? gunzipSync(raw).toString()
          : new TextDecoder().decode(raw)
      const body = JSON.parse(text) as { samples: Received['samples'] }
      const reply =
        fake.respond(fake.requests.length) ??
        Response.json({
          accepted: body.samples.length,
          rejected: 0,
          errors: [],
        })
      fake.requests.push({
        status: reply.status,
        at: Date.now(),
        auth: req.headers.get('authorization'),
        samples: body.samples,
      })
      return reply
    },
  })
  fake.port = server.port!
  fake.url = `http://127.0.0.1:${server.port}`
  return fake
}

/** freePort finds a port nothing listens on. */
export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = s.port!
  s.stop(true)
  return port
}
