/**
 * WebSockets behind the runtime seam: Bun upgrades through its server (the listener passes
 * `upgrade` in the connection env), Deno through `Deno.upgradeWebSocket`. Routes see only
 * `upgradeWebSocket` and a `Socket` that sends text.
 */

/** Socket is an open WebSocket as a route sees it. */
export interface Socket {
  send(text: string): void
  close(code?: number, reason?: string): void
  /** buffered is how many bytes were sent but not yet written to the network. */
  buffered(): number
}

/** SocketHandlers react to one connection's life. */
export interface SocketHandlers {
  open(socket: Socket): void
  message?(socket: Socket, data: string): void
  close(): void
}

/** Upgrader upgrades a request on the current listener; false when it is not a WebSocket request. */
export type Upgrader = (req: Request, handlers: SocketHandlers) => boolean

declare const Deno:
  | {
      upgradeWebSocket(req: Request): {
        socket: {
          send(t: string): void
          close(code?: number, reason?: string): void
          bufferedAmount: number
          onopen: (() => void) | null
          onmessage: ((e: { data: unknown }) => void) | null
          onclose: (() => void) | null
        }
        response: Response
      }
    }
  | undefined

/**
 * upgradeWebSocket answers a WebSocket handshake with `handlers`, or returns undefined when the
 * request is not one (or the listener cannot upgrade, as under `app.request()` in tests).
 */
export function upgradeWebSocket(
  req: Request,
  upgrade: Upgrader | undefined,
  handlers: SocketHandlers,
): Response | undefined {
  if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket') return undefined
  if (upgrade) return upgrade(req, handlers) ? new Response(null) : undefined
  if (typeof Deno !== 'undefined') {
    const { socket, response } = Deno.upgradeWebSocket(req)
    const s: Socket = {
      send: (t) => socket.send(t),
      close: (c, r) => socket.close(c, r),
      buffered: () => socket.bufferedAmount,
    }
    socket.onopen = () => handlers.open(s)
    socket.onmessage = (e) => handlers.message?.(s, String(e.data))
    socket.onclose = () => handlers.close()
    return response
  }
  return undefined
}

interface BunSocket {
  data: { handlers: SocketHandlers; socket?: Socket }
  send(text: string): void
  close(code?: number, reason?: string): void
  getBufferedAmount(): number
}

function wrap(ws: BunSocket): Socket {
  ws.data.socket ??= {
    send: (t) => void ws.send(t),
    close: (c, r) => ws.close(c, r),
    buffered: () => ws.getBufferedAmount(),
  }
  return ws.data.socket
}

/** bunWebSocket is the `websocket` option of Bun.serve that dispatches to the route's handlers. */
export const bunWebSocket = {
  open(ws: BunSocket) {
    ws.data.handlers.open(wrap(ws))
  },
  message(ws: BunSocket, message: string | Uint8Array) {
    ws.data.handlers.message?.(
      wrap(ws),
      typeof message === 'string' ? message : new TextDecoder().decode(message),
    )
  },
  close(ws: BunSocket) {
    ws.data.handlers.close()
  },
  // Bun pings idle sockets itself; the tail also sends heartbeats.
  idleTimeout: 120,
}
