/**
 * The runtime layer: everything that differs between Bun and Deno (the HTTP listener, runtime
 * name and version) lives here so the rest of vigil runs on both unchanged.
 */
import { bunWebSocket, type SocketHandlers, type Upgrader } from './websocket.ts'

export { upgradeWebSocket, type Socket, type SocketHandlers, type Upgrader } from './websocket.ts'

declare const Deno: {
  version: { deno: string }
  serve(
    options: {
      port: number
      hostname: string
      signal?: AbortSignal
      onListen?: (addr: unknown) => void
    },
    handler: (
      req: Request,
      info: { remoteAddr: { hostname: string } },
    ) => Response | Promise<Response>,
  ): {
    addr: { port: number; hostname: string }
    shutdown(): Promise<void>
    finished: Promise<void>
  }
}

/** RuntimeInfo names the JavaScript runtime vigil is running on. */
export interface RuntimeInfo {
  name: 'bun' | 'deno' | 'node'
  version: string
  compiled: boolean
}

/** runtime describes the current process's runtime. */
export const runtime: RuntimeInfo = detect()

function detect(): RuntimeInfo {
  if (typeof Bun !== 'undefined') {
    return { name: 'bun', version: Bun.version, compiled: isCompiled() }
  }
  if (typeof Deno !== 'undefined')
    return { name: 'deno', version: Deno.version.deno, compiled: false }
  return { name: 'node', version: process.versions.node, compiled: false }
}

function isCompiled(): boolean {
  // Bun.isStandaloneExecutable exists from Bun 1.2; the $bunfs path is the older tell.
  const flag = (Bun as unknown as { isStandaloneExecutable?: boolean }).isStandaloneExecutable
  return flag ?? import.meta.url.includes('$bunfs')
}

/** ServeOptions says where to listen and what answers. */
export interface ServeOptions {
  port: number
  hostname: string
  /** The handler; `env.remoteAddress` is the peer's address. */
  fetch: (req: Request, env: ConnectionEnv) => Response | Promise<Response>
  /** The largest body the listener itself lets through; the app enforces the real limit. */
  maxRequestBodySize: number
}

/** ConnectionEnv tells the app about the connection a request came on. */
export interface ConnectionEnv {
  remoteAddress: string | undefined
  /** upgrade turns the request into a WebSocket (Bun); absent where the runtime does it itself. */
  upgrade?: Upgrader | undefined
}

/** Server is a running listener; `stop` stops accepting and resolves once in-flight requests end. */
export interface Server {
  port: number
  hostname: string
  stop(): Promise<void>
}

/** serve starts the HTTP listener of the current runtime. */
export function serve(options: ServeOptions): Server {
  if (typeof Bun !== 'undefined') {
    const server = Bun.serve<{ handlers: SocketHandlers }>({
      port: options.port,
      hostname: options.hostname,
      fetch: (req, server) =>
        options.fetch(req, {
          remoteAddress: server.requestIP(req)?.address,
          upgrade: (r, handlers) => server.upgrade(r, { data: { handlers } }),
        }),
      websocket: bunWebSocket,
      maxRequestBodySize: options.maxRequestBodySize,
      // Long enough for the live tail's heartbeats (every 5 s) to keep a stream open.
      idleTimeout: 60,
    })
    return {
      port: server.port ?? options.port,
      hostname: options.hostname,
      stop: () => server.stop(false),
    }
  }
  if (typeof Deno !== 'undefined') {
    const server = Deno.serve(
      { port: options.port, hostname: options.hostname, onListen: () => {} },
      (req, info) => options.fetch(req, { remoteAddress: info.remoteAddr.hostname }),
    )
    return {
      port: server.addr.port,
      hostname: options.hostname,
      stop: () => server.shutdown(),
    }
  }
  throw new Error('vigil runs on Bun or Deno; Node.js has no built-in fetch server')
}
