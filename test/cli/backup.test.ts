import { afterAll, describe, expect, it } from 'bun:test'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli } from '../../src/cli/index.ts'
import { openDatabase } from '../../src/db/client.ts'
import { bundledMigrations, migrate } from '../../src/db/migrate.ts'
import { tempDir } from '../helpers/app.ts'

const root = tempDir('vigil-backup-')
afterAll(() => rmSync(root, { recursive: true, force: true }))
let n = 0

// Each command runs in its own process, as it would from a shell: @libsql/client keeps a closed
// file: client's connections (and their locks) until it is collected, so a restore in this
// process would see the test's own earlier commands as a server holding the file.
const main = join(import.meta.dir, '../../src/main.ts')
async function cli(argv: string[], dataDir: string) {
  const proc = Bun.spawn([process.execPath, main, ...argv], {
    env: {
      ...process.env,
      VIGIL_DATA_DIR: dataDir,
      VIGIL_ADMIN_PASSWORD: 'backup-test-passphrase',
    },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return { code, out, err }
}

/** sql runs statements on a database file from another process (see cli). */
async function sql(path: string, statements: string): Promise<void> {
  const script = `import { createClient } from '@libsql/client'
const c = createClient({ url: ${JSON.stringify(`file:${path}`)} })
await c.executeMultiple(${JSON.stringify(statements)})
c.close()`
  const proc = Bun.spawn([process.execPath, '-e', script], {
    cwd: join(import.meta.dir, '../..'),
    stderr: 'inherit',
  })
  expect(await proc.exited).toBe(0)
}

/** dataDir makes a data dir whose database holds one token named `name`. */
async function dataDir(name = 'kept'): Promise<string> {
  const dir = join(root, `data-${n++}`)
  mkdirSync(dir)
  const created = await cli(['token', 'create', '--name', name, '--scopes', 'metrics:read'], dir)
  expect(created.code).toBe(0)
  return dir
}

async function tokenNames(dir: string): Promise<string[]> {
  const listed = await cli(['token', 'list'], dir)
  return listed.out
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(/\s+/)[0]!)
}

describe('vigil backup', () => {
  it('backup writes a checked copy that restore puts into a fresh data dir', async () => {
    const source = await dataDir('original')
    const file = join(root, 'round.db')
    const backup = await cli(['backup', '--output', file], source)
    expect(backup.code).toBe(0)
    expect(backup.out).toContain(`backup written to ${file}`)
    expect(backup.out).toContain('integrity_check ok; schema')
    expect(backup.out).toContain(bundledMigrations().at(-1)!.tag)

    const fresh = join(root, `data-${n++}`)
    const restored = await cli(['restore', '--input', file], fresh)
    expect(restored.code).toBe(0)
    expect(restored.out).toContain('no migrations needed')
    expect((await tokenNames(fresh)).join(' ')).toContain('original')
  })

  it('backup refuses to overwrite an existing file without --force', async () => {
    const source = await dataDir()
    const file = join(root, 'exists.db')
    writeFileSync(file, 'keep me')
    const refused = await cli(['backup', '--output', file], source)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('exists; pass --force')
    expect(readFileSync(file, 'utf8')).toBe('keep me')
    expect((await cli(['backup', '--output', file, '--force'], source)).code).toBe(0)
    expect(readFileSync(file).subarray(0, 15).toString()).toBe('SQLite format 3')
  })

  it('backup and restore exit 2 for a libsql:// server database', async () => {
    const env = { VIGIL_DB_URL: 'libsql://db.example.invalid' }
    let err = ''
    const io = { out: () => {}, err: (t: string) => void (err += t) }
    expect(await runCli(['backup', '--output', join(root, 'x.db')], io, env)).toBe(2)
    expect(err).toContain("backing it up is the server's job")
    expect(await runCli(['restore', '--input', join(root, 'x.db')], io, env)).toBe(2)
  })

  it('backup exits 2 without --output', async () => {
    expect((await cli(['backup'], await dataDir())).code).toBe(2)
  })
})

describe('vigil restore', () => {
  async function backupOf(dir: string): Promise<string> {
    const file = join(root, `backup-${n++}.db`)
    expect((await cli(['backup', '--output', file], dir)).code).toBe(0)
    return file
  }

  it('restore refuses a file that is not a database and leaves the target alone', async () => {
    const target = await dataDir('untouched')
    const junk = join(root, 'junk.db')
    writeFileSync(junk, 'this is not sqlite '.repeat(200))
    const refused = await cli(['restore', '--input', junk], target)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('not a readable SQLite database')
    expect(await tokenNames(target)).toEqual(['untouched'])
  })

  it('restore refuses a SQLite file without vigil migrations', async () => {
    const other = join(root, 'other.db')
    const db = await openDatabase(`file:${other}`)
    await db.client.execute('CREATE TABLE t (x)')
    db.close()
    const refused = await cli(['restore', '--input', other], join(root, `data-${n++}`))
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('not a vigil database')
  })

  it('restore refuses a backup made by a newer vigil', async () => {
    const file = await backupOf(await dataDir())
    const db = await openDatabase(`file:${file}`)
    await db.client.execute({
      sql: 'INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)',
      args: ['future', bundledMigrations().at(-1)!.createdAt + 1],
    })
    db.close()
    const target = await dataDir('untouched')
    const refused = await cli(['restore', '--input', file], target)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('this backup was made by a newer vigil')
    expect(await tokenNames(target)).toEqual(['untouched'])
  })

  it('restore refuses while another connection has the target open', async () => {
    const file = await backupOf(await dataDir('from-backup'))
    const target = await dataDir('untouched')
    const db = await openDatabase(`file:${join(target, 'vigil.db')}`)
    await db.client.execute('SELECT count(*) FROM api_tokens')
    try {
      const refused = await cli(['restore', '--input', file], target)
      expect(refused.code).toBe(1)
      expect(refused.err).toContain('refusing while the database is in use')
      expect(refused.err).toContain('stop vigil first')
    } finally {
      db.close()
    }
    expect(await tokenNames(target)).toEqual(['untouched'])
  })

  it('restore refuses while a live leader lease names a holder', async () => {
    const file = await backupOf(await dataDir('from-backup'))
    const target = await dataDir('untouched')
    await sql(
      join(target, 'vigil.db'),
      `INSERT INTO leases (name, holder, acquired_at, renewed_at, expires_at)
       VALUES ('vigil-leader', 'host-42-abc', 0, 0, CAST(unixepoch('subsec') * 1000 AS INTEGER) + 60000)`,
    )
    const refused = await cli(['restore', '--input', file], target)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('host-42-abc holds the leader lease vigil-leader')
    expect(await tokenNames(target)).toEqual(['untouched'])
  })

  it('restore migrates an older backup forward', async () => {
    const old = join(root, 'old.db')
    const db = await openDatabase(`file:${old}`)
    await migrate(db.client, bundledMigrations().slice(0, -1))
    db.close()
    const restored = await cli(['restore', '--input', old], join(root, `data-${n++}`))
    expect(restored.code).toBe(0)
    expect(restored.out).toContain(`applied 1 migration(s):\n  ${bundledMigrations().at(-1)!.tag}`)
  })
})
