/**
 * Starts a vigil process (the compiled binary, `bun run` or Deno) on a free port and waits for its
 * `listening` log line; keeps every line it writes for the test to read.
 */
import { copyFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

/** root is the repository root. */
export const root = join(import.meta.dir, '../..')

/** binaryPath is where compile.sh puts the host binary. */
export const binaryPath = join(root, 'dist/vigil')

/** VigilProcess is a running vigil with its port and output. */
export interface VigilProcess {
  proc: ReturnType<typeof Bun.spawn>
  port: number
  url: string
  lines: Record<string, unknown>[]
  stderr(): string
  /** stop sends the signal and resolves with the exit status. */
  stop(signal?: NodeJS.Signals): Promise<number>
}

/** ensureBinary builds dist/vigil for the host when it is missing. */
export function ensureBinary(): string {
  if (!existsSync(binaryPath)) {
    const build = Bun.spawnSync(
      [process.execPath, 'run', join(root, 'scripts/build.ts'), '--host-only'],
      {
        cwd: root,
        stdout: 'inherit',
        stderr: 'inherit',
      },
    )
    if (build.exitCode !== 0) throw new Error('cannot build dist/vigil')
  }
  return binaryPath
}

/** copyBinary puts a copy of the binary in `dir`, far from any node_modules. */
export function copyBinary(dir: string): string {
  const target = join(dir, 'vigil')
  copyFileSync(ensureBinary(), target)
  Bun.spawnSync(['chmod', '+x', target])
  return target
}

/** startVigil spawns `cmd` in `cwd` and resolves once vigil logs that it listens. */
export async function startVigil(
  cmd: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<VigilProcess> {
  const proc = Bun.spawn(cmd, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const lines: Record<string, unknown>[] = []
  let errText = ''
  void (async () => {
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) {
      errText += new TextDecoder().decode(chunk)
    }
  })()
  const listening = new Promise<number>((resolve, reject) => {
    void (async () => {
      let buffer = ''
      for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
        buffer += new TextDecoder().decode(chunk)
        let nl: number
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const text = buffer.slice(0, nl)
          buffer = buffer.slice(nl + 1)
          try {
            const line = JSON.parse(text) as Record<string, unknown>
            lines.push(line)
            if (line.msg === 'listening') resolve(Number(line.port))
          } catch {
            lines.push({ raw: text })
          }
        }
      }
      reject(new Error(`vigil exited before listening:\n${errText}\n${JSON.stringify(lines)}`))
    })()
  })
  const timeoutMs = options.timeoutMs ?? 30_000
  const timer = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`vigil did not listen within ${timeoutMs} ms: ${errText}`)),
      timeoutMs,
    ),
  )
  let port: number
  try {
    port = await Promise.race([listening, timer])
  } catch (err) {
    proc.kill('SIGKILL')
    throw err
  }
  return {
    proc,
    port,
    url: `http://127.0.0.1:${port}`,
    lines,
    stderr: () => errText,
    async stop(signal = 'SIGTERM') {
      proc.kill(signal)
      return await proc.exited
    },
  }
}

/** createToken runs `vigil token create` on the database in `cwd` and returns the token. */
export function createToken(
  binary: string,
  options: { cwd: string; env?: Record<string, string>; name: string; scopes: string },
): string {
  const created = Bun.spawnSync(
    [binary, 'token', 'create', '--name', options.name, '--scopes', options.scopes],
    { cwd: options.cwd, env: options.env ?? {} },
  )
  const token = created.stdout.toString().trim()
  if (!token.startsWith('vgl_'))
    throw new Error(`vigil token create failed: ${created.stderr.toString()}`)
  return token
}

/** jsonApi calls a vigil's JSON API with a bearer token: GET without a body, POST with one. */
export function jsonApi(url: () => string, token: string) {
  return async (path: string, body?: unknown) => {
    const res = await fetch(`${url()}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }
}
