import { afterAll, describe, expect, it } from 'bun:test'
import { rmSync } from 'node:fs'
import { runCli } from '../../src/cli/index.ts'
import { createAuditStore } from '../../src/audit/store.ts'
import { loadConfig } from '../../src/config.ts'
import { openDatabase } from '../../src/db/client.ts'
import { tempDir } from '../helpers/app.ts'

const dir = tempDir()
const env = { VIGIL_DATA_DIR: dir }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function cli(...argv: string[]) {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (s) => void (out += s), err: (s) => void (err += s) }, env)
  return { code, out, err }
}

describe('vigil user', () => {
  it('user add generates a password once; user list shows the user', async () => {
    const added = await cli('user', 'add', 'ada', '--role', 'operator')
    expect(added.code).toBe(0)
    expect(added.out).toMatch(
      /^added user ada \(operator\)\npassword: \S{24}\n\(shown only now\)\n$/,
    )
    const list = await cli('user', 'list')
    expect(list.out).toMatch(/^USER\s+ROLE\s+STATUS\s+CREATED\nada\s+operator\s+active\s+\d{4}-/)
  })

  it('user add refuses a weak password, an unknown role and a duplicate with exit 1 and the reason', async () => {
    const weak = await cli('user', 'add', 'bob', '--role', 'viewer', '--password', 'short')
    expect(weak).toMatchObject({
      code: 1,
      err: 'vigil user: password must be at least 12 characters (got 5)\n',
    })
    const common = await cli('user', 'add', 'bob', '--role', 'viewer', '--password', 'qwerty123456')
    expect(common.code).toBe(1)
    expect(common.err).toContain('10 000 most common')
    const role = await cli(
      'user',
      'add',
      'bob',
      '--role',
      'god',
      '--password',
      'correct-horse-battery',
    )
    expect(role.err).toBe('vigil user: unknown role "god"\n')
    const dup = await cli(
      'user',
      'add',
      'ada',
      '--role',
      'viewer',
      '--password',
      'correct-horse-battery',
    )
    expect(dup.err).toBe('vigil user: user ada already exists\n')
  })

  it('user set-role, reset-password, disable and enable change the user', async () => {
    expect((await cli('user', 'set-role', 'ada', 'auditor')).out).toBe('ada is now auditor\n')
    const reset = await cli(
      'user',
      'reset-password',
      'ada',
      '--password',
      'another-long-passphrase',
    )
    expect(reset.out).toBe('password of ada reset; their sessions ended\n')
    expect((await cli('user', 'disable', 'ada')).out).toBe('ada disabled; their sessions ended\n')
    expect((await cli('user', 'list')).out).toMatch(/ada\s+auditor\s+disabled/)
    expect((await cli('user', 'enable', 'ada')).out).toBe('ada enabled\n')
  })

  it('user exits 2 with its usage for a wrong command line', async () => {
    for (const argv of [['user'], ['user', 'frob'], ['user', 'add'], ['user', 'set-role', 'ada']]) {
      const r = await cli(...argv)
      expect(r.code).toBe(2)
      expect(r.err).toContain('Usage: vigil user')
    }
    expect((await cli('user', 'add', 'x')).err).toContain('user add needs --role')
  })
})

describe('vigil token', () => {
  it('token create prints the token once on stdout; list never shows it; revoke ends it', async () => {
    const created = await cli(
      'token',
      'create',
      '--name',
      'agent',
      '--scopes',
      'ingest:write, metrics:read',
      '--expires',
      '30d',
    )
    expect(created.code).toBe(0)
    expect(created.out).toMatch(/^vgl_[A-Za-z0-9_-]{43}\n$/)
    expect(created.err).toContain('created token agent (ingest:write, metrics:read; expires 20')
    const token = created.out.trim()
    const list = await cli('token', 'list')
    expect(list.out).not.toContain(token)
    expect(list.out).toMatch(/agent\s+vgl_\S{4}\s+ingest:write,metrics:read\s.*active/)
    expect((await cli('token', 'revoke', 'agent')).out).toBe('revoked agent\n')
    expect((await cli('token', 'list')).out).toMatch(/agent\s.*revoked/)
  })

  it('token create refuses unknown scopes and exits 2 without --name or --scopes', async () => {
    const bad = await cli('token', 'create', '--name', 'x', '--scopes', 'everything')
    expect(bad).toMatchObject({ code: 1, err: 'vigil token: unknown scope(s): everything\n' })
    expect((await cli('token', 'create', '--scopes', 'logs:read')).code).toBe(2)
    expect((await cli('token', 'create', '--name', 'y')).code).toBe(2)
  })

  it('every change made from the CLI is in the audit trail, under the CLI user', async () => {
    const db = await openDatabase(loadConfig({}, env).dbUrl)
    const { entries } = await createAuditStore(db.client, Date.now).list({ limit: 100 })
    db.close()
    const actions = entries.map((e) => e.action).reverse()
    expect(actions).toEqual([
      'user.create',
      'user.set_role',
      'user.reset_password',
      'user.disable',
      'user.enable',
      'token.create',
      'token.revoke',
    ])
    expect(entries.every((e) => e.actorType === 'cli' && e.actor.startsWith('cli'))).toBe(true)
    expect((await cli('audit', 'verify')).out).toMatch(/^audit trail intact: 7 entries/)
  })
})
