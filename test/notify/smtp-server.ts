/**
 * A small SMTP server for tests, over node:net: EHLO, STARTTLS (with a certificate made by
 * openssl for 127.0.0.1), AUTH PLAIN and LOGIN, MAIL, RCPT, DATA. It keeps every message it
 * accepted with the envelope, whether TLS was on and who authenticated.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TLSSocket } from 'node:tls'

/** Received is one accepted message. */
export interface Received {
  from: string
  to: string[]
  data: string
  tls: boolean
  user: string | undefined
}

/** SmtpServer is a running test server. */
export interface SmtpServer {
  port: number
  cert: string
  messages: Received[]
  close(): Promise<void>
}

/** makeCert creates a self-signed certificate for 127.0.0.1 and localhost with openssl. */
export function makeCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cert-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** startSmtp listens on 127.0.0.1; `users` maps usernames to passwords for AUTH. */
export async function startSmtp(options: {
  users: Record<string, string>
  /** reply lets a test answer MAIL FROM with an error (e.g. `451 try later`). */
  mailReply?: () => string | undefined
}): Promise<SmtpServer> {
  const { key, cert } = makeCert()
  const messages: Received[] = []
  const server: Server = createServer((raw) => session(raw, false))

  function session(socket: Socket | TLSSocket, tls: boolean, userIn?: string) {
    let user = userIn
    let buffer = ''
    let from = ''
    let to: string[] = []
    let mode: 'command' | 'data' | 'auth-user' | 'auth-pass' = 'command'
    let data: string[] = []
    let pendingUser = ''
    const say = (line: string): undefined => {
      socket.write(`${line}\r\n`)
    }
    if (!tls) say('220 test-smtp ready')
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      let nl: number
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 2)
        if (handle(line) === 'upgrade') return
      }
    }
    socket.on('data', onData)
    socket.on('error', () => undefined)

    function handle(line: string): 'upgrade' | undefined {
      if (mode === 'data') {
        if (line === '.') {
          messages.push({ from, to, data: data.join('\r\n'), tls, user })
          mode = 'command'
          data = []
          say('250 2.0.0 queued as test')
        } else data.push(line.startsWith('..') ? line.slice(1) : line)
        return
      }
      if (mode === 'auth-user') {
        pendingUser = Buffer.from(line, 'base64').toString()
        mode = 'auth-pass'
        say(`334 ${Buffer.from('Password:').toString('base64')}`)
        return
      }
      if (mode === 'auth-pass') {
        mode = 'command'
        return login(pendingUser, Buffer.from(line, 'base64').toString())
      }
      const [verb = '', ...rest] = line.split(' ')
      const arg = rest.join(' ')
      switch (verb.toUpperCase()) {
        case 'EHLO':
          socket.write('250-test-smtp\r\n')
          if (!tls) socket.write('250-STARTTLS\r\n')
          return say('250 AUTH PLAIN LOGIN')
        case 'STARTTLS': {
          say('220 2.0.0 go ahead')
          socket.removeListener('data', onData)
          const secure = new TLSSocket(socket, { isServer: true, key, cert })
          session(secure, true, user)
          return 'upgrade'
        }
        case 'AUTH': {
          const [mech, initial] = arg.split(' ')
          if (mech?.toUpperCase() === 'LOGIN') {
            mode = 'auth-user'
            return say(`334 ${Buffer.from('Username:').toString('base64')}`)
          }
          const parts = Buffer.from(initial ?? '', 'base64')
            .toString()
            .split('\u0000')
          return login(parts[1] ?? '', parts[2] ?? '')
        }
        case 'MAIL': {
          const refused = options.mailReply?.()
          if (refused) return say(refused)
          from = /<([^>]*)>/.exec(arg)?.[1] ?? ''
          to = []
          return say('250 2.1.0 ok')
        }
        case 'RCPT':
          to.push(/<([^>]*)>/.exec(arg)?.[1] ?? '')
          return say('250 2.1.5 ok')
        case 'DATA':
          mode = 'data'
          return say('354 end with .')
        case 'RSET':
          from = ''
          to = []
          return say('250 ok')
        case 'NOOP':
          return say('250 ok')
        case 'QUIT':
          say('221 bye')
          socket.end()
          return
        default:
          return say('502 5.5.2 unknown command')
      }
    }

    function login(name: string, password: string): undefined {
      if (options.users[name] !== undefined && options.users[name] === password) {
        user = name
        say('235 2.7.0 authenticated')
      } else say('535 5.7.8 bad credentials')
      return undefined
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cert,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
