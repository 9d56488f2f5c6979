/**
 * `npm test`: the whole suite, in the order a reviewer would want it to fail fast.
 *   1. prerequisites: promtool (Debian `prometheus`), openssl and Chromium (Debian `chromium`), installed
 *      with apt-get when missing and we are root (set VIGIL_TEST_NO_INSTALL=1 to forbid that);
 *   2. type check (tsc) and formatting (prettier --check);
 *   3. the host binary, rebuilt from the current source for the end-to-end tests;
 *   4. `bun test`: unit, route, end-to-end and browser tests.
 * Ends with the line `N passed, N failed`.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dir, '..')
const bin = (name: string) => join(root, 'node_modules/.bin', name)

function step(title: string, cmd: string[], env: Record<string, string> = {}): void {
  console.log(`\n== ${title}: ${cmd.map((c) => c.replace(root + '/', '')).join(' ')}`)
  const started = performance.now()
  const result = Bun.spawnSync(cmd, {
    cwd: root,
    stdout: 'inherit',
    stderr: 'inherit',
    env: { ...process.env, ...env },
  })
  if (result.exitCode !== 0) {
    console.error(`\n${title} failed (exit ${result.exitCode})`)
    console.log('0 passed, 1 failed')
    process.exit(1)
  }
  console.log(`== ${title}: ok in ${((performance.now() - started) / 1000).toFixed(1)}s`)
}

function which(command: string): boolean {
  return Bun.spawnSync(['sh', '-c', `command -v ${command}`]).exitCode === 0
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const missing = [
  ...(which('promtool') ? [] : ['prometheus']),
  ...(which('openssl') ? [] : ['openssl']),
  ...(existsSync(chromium) ? [] : ['chromium']),
]
if (missing.length > 0) {
  const canInstall =
    process.getuid?.() === 0 && which('apt-get') && process.env.VIGIL_TEST_NO_INSTALL !== '1'
  if (!canInstall) {
    console.error(
      `the tests need Debian packages that are missing: ${missing.join(' ')}\n` +
        `install them with: sudo apt-get install ${missing.join(' ')}`,
    )
    console.log('0 passed, 1 failed')
    process.exit(1)
  }
  step('apt-get update', ['apt-get', 'update', '-qq'])
  step(`install ${missing.join(' ')}`, ['apt-get', 'install', '-y', '-qq', ...missing], {
    DEBIAN_FRONTEND: 'noninteractive',
  })
}

step('type check', [bin('tsc'), '--noEmit', '-p', '.'])
step('formatting', [bin('prettier'), '--check', '--log-level', 'warn', '.'])
step('build dist/vigil', [process.execPath, 'run', 'scripts/build.ts', '--host-only'])

console.log('\n== bun test')
const test = Bun.spawn([process.execPath, 'test', ...process.argv.slice(2)], {
  cwd: root,
  stdout: 'pipe',
  stderr: 'pipe',
})
let summary = ''
async function pipe(stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream) {
  const decoder = new TextDecoder()
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true })
    summary = (summary + text).slice(-4000)
    out.write(text)
  }
}
await Promise.all([pipe(test.stdout, process.stdout), pipe(test.stderr, process.stderr)])
const code = await test.exited
const passed = Number(/^\s*(\d+) pass$/m.exec(summary)?.[1] ?? 0)
const failed = Number(/^\s*(\d+) fail$/m.exec(summary)?.[1] ?? 0)
console.log(`\n${passed} passed, ${failed} failed`)
process.exit(code !== 0 || failed > 0 || passed === 0 ? 1 : 0)
