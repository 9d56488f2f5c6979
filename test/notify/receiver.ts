/** An HTTP receiver on loopback for notification tests: records every request, answers as told. */

/** Hit is one request the receiver got. */
export interface Hit {
  at: number
  headers: Record<string, string>
  body: string
}

/** Receiver is a running receiver; set `respond` to choose each answer. */
export interface Receiver {
  url: string
  hits: Hit[]
  respond: (hit: Hit, n: number) => Response | Promise<Response>
  stop(): void
}

/** startReceiver listens on 127.0.0.1 on a free port; by default it answers 200. */
export function startReceiver(): Receiver {
  const receiver: Receiver = {
    url: '',
    hits: [],
    respond: () => new Response('ok'),
    stop: () => server.stop(true),
  }
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const hit: Hit = {
        at: performance.now(),
        headers: Object.fromEntries(req.headers),
        body: await req.text(),
      }
      receiver.hits.push(hit)
      return receiver.respond(hit, receiver.hits.length)
    },
  })
  receiver.url = `http://127.0.0.1:${server.port}/hook`
  return receiver
}

/** until polls `check` every 20 ms until it holds or `ms` pass (then it throws). */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${ms} ms`)
    await Bun.sleep(20)
  }
}
