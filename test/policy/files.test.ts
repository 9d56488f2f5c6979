import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PolicyFileLoader } from '../../src/policy/index.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp
let dir: string
let loader: PolicyFileLoader
beforeAll(async () => {
  t = await makeApp()
  dir = join(t.dir, 'policies')
  mkdirSync(join(dir, 'nested'), { recursive: true })
  loader = new PolicyFileLoader(t.policies, t.audit, t.logger, [dir], Date.now)
})
afterAll(() => t.close())

const alert = (name: string, expr = 'up == 0') =>
  `apiVersion: vigil/v1\nkind: AlertRule\nmetadata: {name: ${name}}\nspec:\n  expr: ${expr}\n  severity: high\n`
const access = `apiVersion: vigil/v1
kind: AccessPolicy
metadata: {name: ops}
spec:
  subjects: [{role: operator}]
  actions: [restart_pod]
  resources: [{namespaces: [prod]}]
  effect: allow
`

function write(name: string, text: string) {
  const path = join(dir, name)
  writeFileSync(path, text)
  // Make the change visible to the fingerprint even within one mtime tick.
  const later = new Date(Date.now() + Math.random() * 1e6)
  utimesSync(path, later, later)
  return path
}

const names = async () => (await t.policies.list()).map((p) => `${p.kind}/${p.name}@${p.version}`)

describe('policy files', () => {
  it('load() reads every YAML file of a directory, multi-document, as read-only file policies', async () => {
    const main = write('main.yaml', `${alert('node-down')}---\n${access}`)
    write('nested/more.yml', alert('disk-full', 'disk_free < 5'))
    write('README.md', 'not a policy')
    const state = await loader.load()
    expect(state.problems).toEqual([])
    expect(state).toMatchObject({ files: 2, policies: 3 })
    expect(await names()).toEqual([
      'AccessPolicy/ops@1',
      'AlertRule/disk-full@1',
      'AlertRule/node-down@1',
    ])
    const p = await t.policies.get('AlertRule', 'node-down')
    expect(p).toMatchObject({
      source: 'file',
      file: main,
      enabled: true,
      createdBy: 'policy-files',
    })
    const [entry] = (await t.audit.list({ action: 'policy.create', limit: 10 })).entries
    expect(entry).toMatchObject({
      actor: 'policy-files',
      actorType: 'system',
      details: { source: 'file' },
    })
  })

  it('load() again with nothing changed writes no version', async () => {
    await loader.load()
    expect(await names()).toEqual([
      'AccessPolicy/ops@1',
      'AlertRule/disk-full@1',
      'AlertRule/node-down@1',
    ])
  })

  it('file policies are read-only through the API: PUT, PATCH and DELETE answer 409 naming the file', async () => {
    const main = join(dir, 'main.yaml')
    for (const [method, body] of [
      ['PUT', alert('node-down', 'up == 1')],
      ['PATCH', JSON.stringify({ enabled: false })],
      ['DELETE', undefined],
    ] as const) {
      const res = await t.app.request('/api/v1/policies/AlertRule/node-down', {
        method,
        headers: {
          ...t.headers,
          'Content-Type': method === 'PUT' ? 'application/yaml' : 'application/json',
        },
        body,
      })
      expect(res.status).toBe(409)
      const error = (await res.json()).error
      expect(error.code).toBe('read_only')
      expect(error.message).toBe(
        `AlertRule node-down is loaded from the file ${main} and is read-only here; change the file instead`,
      )
    }
    const post = await t.app.request('/api/v1/policies', {
      method: 'POST',
      headers: { ...t.headers, 'Content-Type': 'application/yaml' },
      body: alert('node-down'),
    })
    expect(post.status).toBe(409)
    expect((await post.json()).error.message).toContain(`(from ${main})`)
  })

  it('a file with a problem keeps what it gave before, and the problem is logged and in /ui/policies', async () => {
    const main = write(
      'main.yaml',
      `${alert('node-down', 'up == 1')}---\n${access.replace('allow', 'perhaps')}`,
    )
    t.lines.length = 0
    const state = await loader.load()
    expect(state.problems).toEqual([
      { file: main, line: 15, column: 11, path: 'spec.effect', message: 'must be allow or deny' },
    ])
    // Neither the valid first document's change nor a deletion: the file is as it was.
    expect(await names()).toEqual([
      'AccessPolicy/ops@1',
      'AlertRule/disk-full@1',
      'AlertRule/node-down@1',
    ])
    expect((await t.policies.get('AlertRule', 'node-down')).document.spec).toEqual({
      expr: 'up == 0',
      severity: 'high',
    })
    expect(t.lines.find((l) => l.level === 'warn')?.msg).toBe(
      `policy file problem: ${main}:15:11: spec.effect: must be allow or deny`,
    )
    const ui = await (await t.app.request('/ui/policies', { headers: t.headers })).json()
    expect(ui.files.problems).toEqual(state.problems)
  })

  it('fixing the file applies its changes as a new version; removing a document or a file deletes those policies', async () => {
    write('main.yaml', alert('node-down', 'up == 1'))
    rmSync(join(dir, 'nested/more.yml'))
    const state = await loader.load()
    expect(state.problems).toEqual([])
    expect(await names()).toEqual(['AlertRule/node-down@2'])
    const versions = await t.policies.versions('AccessPolicy', 'ops')
    expect(versions.map((v) => v.change)).toEqual(['deleted', 'created'])
    const [update] = (await t.audit.list({ action: 'policy.update', limit: 10 })).entries
    expect(update).toMatchObject({
      target: 'AlertRule/node-down',
      details: { changes: ['spec.expr'] },
    })
  })

  it('a name defined twice is a problem at the second; an API policy of the same name is not overwritten', async () => {
    const api = await t.app.request('/api/v1/policies', {
      method: 'POST',
      headers: { ...t.headers, 'Content-Type': 'application/yaml' },
      body: alert('from-api'),
    })
    expect(api.status).toBe(201)
    const main = join(dir, 'main.yaml')
    const dup = write('other.yaml', `${alert('node-down')}---\n${alert('from-api', 'up == 2')}`)
    const state = await loader.load()
    expect(state.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([
      `${dup}:1: AlertRule/node-down is already defined at ${main}:1; names are unique per kind`,
      `${dup}:8: a AlertRule named from-api exists through the API; delete it or rename this one`,
    ])
    expect((await t.policies.get('AlertRule', 'from-api')).source).toBe('api')
    rmSync(dup)
  })

  it('run() reloads when a file changes and stops on abort', async () => {
    const stop = new AbortController()
    const running = loader.run(stop.signal, 20)
    write('main.yaml', alert('node-down', 'up == 3'))
    for (let i = 0; i < 100; i++) {
      const p = await t.policies.get('AlertRule', 'node-down')
      if ((p.document.spec as { expr: string }).expr === 'up == 3') break
      await Bun.sleep(20)
    }
    expect((await t.policies.get('AlertRule', 'node-down')).document.spec).toMatchObject({
      expr: 'up == 3',
    })
    stop.abort()
    await running
  })

  it('a path that goes missing is a problem, and the policies it gave stay (an unmounted volume deletes nothing)', async () => {
    const mount = join(t.dir, 'mounted')
    mkdirSync(mount)
    writeFileSync(join(mount, 'p.yaml'), alert('mounted-rule'))
    const other = new PolicyFileLoader(t.policies, t.audit, t.logger, [mount], Date.now)
    expect((await other.load()).problems).toEqual([])
    // node-down came from a path this loader does not have: removed; API policies stay.
    expect(await names()).toEqual(['AlertRule/from-api@1', 'AlertRule/mounted-rule@1'])
    rmSync(mount, { recursive: true })
    const state = await other.load()
    expect(state.problems).toEqual([
      {
        file: mount,
        line: 1,
        column: 1,
        path: '',
        message: 'cannot read: no such file or directory',
      },
    ])
    expect(await names()).toEqual(['AlertRule/from-api@1', 'AlertRule/mounted-rule@1'])
  })
})
