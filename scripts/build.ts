/**
 * Builds the single-file vigil binaries with `Bun.build({ compile })`: `dist/vigil` for the host
 * and `dist/vigil-linux-arm64`. Everything is embedded: the libSQL native module (see the plugin
 * below), migrations, views and static files (imported as text). The binaries do not autoload a
 * `.env` or `bunfig.toml` from the directory they run in.
 *
 * Usage: bun run scripts/build.ts [--host-only]
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { BunPlugin } from 'bun'

const root = join(import.meta.dir, '..')
const libsqlVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/libsql/package.json'), 'utf8'),
).version as string

interface Target {
  out: string
  bun: Bun.Build.CompileTarget
  libsql: string
}

const hostArch = process.arch === 'arm64' ? 'arm64' : 'x64'
const targets: Target[] = [
  {
    out: 'dist/vigil',
    bun: `bun-linux-${hostArch}` as Bun.Build.CompileTarget,
    libsql: `linux-${hostArch}-gnu`,
  },
]
if (!process.argv.includes('--host-only')) {
  targets.push({ out: 'dist/vigil-linux-arm64', bun: 'bun-linux-arm64', libsql: 'linux-arm64-gnu' })
}

/**
 * libsql's index.js picks its native package with a dynamic `require(\`@libsql/${target}\`)`,
 * which the bundler cannot follow. Rewrite it to a static require of the build target's package.
 */
function libsqlNative(target: string, packageDir: string): BunPlugin {
  return {
    name: 'libsql-native',
    setup(build) {
      build.onLoad({ filter: /node_modules\/libsql\/index\.js$/ }, async (args) => {
        const source = await Bun.file(args.path).text()
        const dynamic = 'return require(`@libsql/${target}`);'
        if (!source.includes(dynamic)) {
          throw new Error(
            `libsql-native: ${args.path} no longer contains ${dynamic}; update the plugin`,
          )
        }
        return {
          contents: source.replace(dynamic, `return require("@libsql/${target}");`),
          loader: 'js',
        }
      })
      build.onResolve({ filter: new RegExp(`^@libsql/${target}$`) }, () => ({
        path: join(packageDir, 'index.node'),
      }))
    },
  }
}

/** nativePackage finds (or fetches with `npm pack`, for cross builds) `@libsql/<target>`. */
async function nativePackage(target: string): Promise<string> {
  const installed = join(root, 'node_modules/@libsql', target)
  if (existsSync(join(installed, 'index.node'))) return installed
  const dir = join(root, '.build', `libsql-${target}-${libsqlVersion}`)
  if (existsSync(join(dir, 'package/index.node'))) return join(dir, 'package')
  mkdirSync(dir, { recursive: true })
  const pack = Bun.spawnSync(['npm', 'pack', `@libsql/${target}@${libsqlVersion}`, '--silent'], {
    cwd: dir,
    stderr: 'inherit',
  })
  if (pack.exitCode !== 0) throw new Error(`npm pack @libsql/${target}@${libsqlVersion} failed`)
  const tarball = pack.stdout.toString().trim().split('\n').at(-1)!
  const untar = Bun.spawnSync(['tar', 'xzf', tarball], { cwd: dir, stderr: 'inherit' })
  if (untar.exitCode !== 0) throw new Error(`cannot unpack ${tarball}`)
  return join(dir, 'package')
}

for (const target of targets) {
  const started = performance.now()
  const outfile = join(root, target.out)
  rmSync(outfile, { force: true })
  const result = await Bun.build({
    // The write worker is an entrypoint of its own: `new Worker(url)` finds it in the binary.
    entrypoints: [join(root, 'src/main.ts'), join(root, 'src/db/write-worker.ts')],
    compile: {
      target: target.bun,
      outfile,
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    // Identifiers stay readable so that stack traces in logs make sense without a source map.
    minify: { whitespace: true, syntax: true, identifiers: false },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [libsqlNative(target.libsql, await nativePackage(target.libsql))],
  })
  if (!result.success) {
    for (const log of result.logs) console.error(log)
    process.exit(1)
  }
  const size = Bun.file(outfile).size
  console.log(
    `built ${target.out} (${target.bun}) ${(size / 1024 / 1024).toFixed(1)} MiB in ${((performance.now() - started) / 1000).toFixed(1)}s`,
  )
}
