/**
 * Writes src/auth/common-passwords.gz.b64: the 10 000 highest-ranked entries of the `passwords`
 * frequency list of the npm package zxcvbn 4.4.2 (MIT licence, Copyright (c) 2012-2016 Dan Wheeler
 * and Dropbox, Inc.), lowercased, newline-joined, gzip-compressed (level 9) and base64-encoded.
 * src/auth/password.ts imports the file as text. zxcvbn is not a dependency: the script fetches it
 * with `npm pack` into a temporary directory and removes that directory when done.
 *
 * Usage: bun run scripts/make-common-passwords.ts
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const source = 'zxcvbn@4.4.2'
const count = 10_000
const root = join(import.meta.dir, '..')
const out = join(root, 'src/auth/common-passwords.gz.b64')

const dir = mkdtempSync(join(tmpdir(), 'vigil-zxcvbn-'))
try {
  const tarball = execFileSync('npm', ['pack', source, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8',
  }).trim()
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir])
  const pkg = JSON.parse(readFileSync(join(dir, 'package/package.json'), 'utf8')) as {
    version: string
    license: string
  }
  if (pkg.version !== '4.4.2' || pkg.license !== 'MIT') {
    throw new Error(`unexpected package: version ${pkg.version}, licence ${pkg.license}`)
  }
  const lists = createRequire(import.meta.url)(join(dir, 'package/lib/frequency_lists.js')) as {
    passwords: string[]
  }

  // The list is ordered by rank, most common first; keep the first `count` distinct entries.
  const common = new Set<string>()
  for (const entry of lists.passwords) {
    const word = entry.trim().toLowerCase()
    if (word !== '' && !word.includes('\n')) common.add(word)
    if (common.size === count) break
  }
  if (common.size !== count) throw new Error(`only ${common.size} passwords in ${source}`)

  const text = [...common].join('\n')
  const encoded = gzipSync(Buffer.from(text, 'utf8'), { level: 9 }).toString('base64')
  writeFileSync(out, encoded + '\n')
  console.log(`wrote ${out}: ${count} passwords, ${encoded.length + 1} bytes`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
