import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { bearer } from '../helpers/auth.ts'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await makeApp()
})
afterAll(() => t.close())

const rule = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'vigil/v1',
  kind: 'AlertRule',
  metadata: { name, labels: { team: 'web' } },
  spec: { expr: 'avg by (host) (cpu) > 90', for: '1m', severity: 'high', ...spec },
})

function send(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  auth = t.headers,
) {
  const yaml = typeof body === 'string'
  return t.app.request(path, {
    method,
    headers: {
      ...auth,
      ...(body === undefined
        ? {}
        : { 'Content-Type': yaml ? 'application/yaml' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : yaml ? body : JSON.stringify(body),
  })
}

async function audits(action: string) {
  return (await t.audit.list({ action, limit: 100 })).entries
}

describe('policy routes', () => {
  it('POST /api/v1/policies creates a policy at version 1 (201, Location, ETag) and audits policy.create', async () => {
    const res = await send('POST', '/api/v1/policies', rule('high-cpu'))
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe('/api/v1/policies/AlertRule/high-cpu')
    expect(res.headers.get('etag')).toBe('"1"')
    const body = await res.json()
    expect(body).toMatchObject({
      kind: 'AlertRule',
      name: 'high-cpu',
      version: 1,
      enabled: true,
      source: 'api',
      file: null,
      created_by: 'test-all',
      document: rule('high-cpu'),
    })
    const [entry] = await audits('policy.create')
    expect(entry).toMatchObject({
      actor: 'test-all',
      actorType: 'token',
      target: 'AlertRule/high-cpu',
      outcome: 'success',
      details: { version: 1, source: 'api' },
    })
    // The domain record replaces the generic one.
    expect((await audits('http.post')).filter((e) => e.target?.includes('policies'))).toEqual([])
  })

  it('POST /api/v1/policies answers 409 when the kind and name exist', async () => {
    const res = await send('POST', '/api/v1/policies', rule('high-cpu'))
    expect(res.status).toBe(409)
    const body = await res.json()
    expect(body.error.code).toBe('exists')
    expect(body.error.message).toContain('PUT /api/v1/policies/AlertRule/high-cpu')
  })

  it('POST /api/v1/policies reads YAML by Content-Type and reports problems with their lines', async () => {
    const ok = await send(
      'POST',
      '/api/v1/policies',
      'apiVersion: vigil/v1\nkind: AccessPolicy\nmetadata: {name: ops-restart}\nspec:\n  subjects: [{role: operator}]\n  actions: [restart_pod]\n  resources: [{namespaces: [prod-*]}]\n  effect: allow\n',
      { 'Content-Type': 'text/yaml' },
    )
    expect(ok.status).toBe(201)
    const bad = await send(
      'POST',
      '/api/v1/policies',
      'apiVersion: vigil/v1\nkind: AlertRule\nmetadata: {name: bad}\nspec:\n  expr: up ==\n  fro: 1m\n  severity: high\n',
    )
    expect(bad.status).toBe(400)
    const body = await bad.json()
    expect(body.error.code).toBe('invalid_policy')
    expect(body.error.message).toStartWith('invalid policy: spec.expr (line 5): not valid PromQL')
    expect(body.error.details.issues).toEqual([
      {
        line: 5,
        column: 9,
        path: 'spec.expr',
        message: expect.stringContaining('not valid PromQL'),
      },
      {
        line: 6,
        column: 3,
        path: 'spec.fro',
        message: expect.stringContaining('unknown field "fro"'),
      },
    ])
    expect((await send('GET', '/api/v1/policies/AlertRule/bad')).status).toBe(404)
  })

  it('POST /api/v1/policies with JSON reports the zod issues by path, without lines', async () => {
    const res = await send('POST', '/api/v1/policies', rule('x', { severity: 'huge', for: 'soon' }))
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.error.details.issues).toEqual([
      { path: 'spec.for', message: 'must be a duration such as 30s, 5m or 1h' },
      { path: 'spec.severity', message: 'must be one of low, medium, high, critical' },
    ])
  })

  it('POST /api/v1/policies refuses other media types, broken JSON and several YAML documents', async () => {
    const plain = await send('POST', '/api/v1/policies', undefined, {
      'Content-Type': 'text/plain',
    })
    expect(plain.status).toBe(415)
    const broken = await t.app.request('/api/v1/policies', {
      method: 'POST',
      headers: { ...t.headers, 'Content-Type': 'application/json' },
      body: '{"kind":',
    })
    expect(broken.status).toBe(400)
    const two = await send(
      'POST',
      '/api/v1/policies',
      'apiVersion: vigil/v1\nkind: AlertRule\nmetadata: {name: a}\nspec: {expr: up, severity: low}\n---\napiVersion: vigil/v1\nkind: AlertRule\nmetadata: {name: b}\nspec: {expr: up, severity: low}\n',
    )
    expect(two.status).toBe(400)
    expect((await two.json()).error.message).toBe('the body holds 2 policies; send one per request')
  })

  it('GET /api/v1/policies/{kind}/{name} returns the policy with its ETag, the kind in any case, and YAML on ?format=yaml', async () => {
    const res = await send('GET', '/api/v1/policies/alertrule/high-cpu')
    expect(res.status).toBe(200)
    expect(res.headers.get('etag')).toBe('"1"')
    expect((await res.json()).document).toEqual(rule('high-cpu'))
    const yaml = await send('GET', '/api/v1/policies/AlertRule/high-cpu?format=yaml')
    expect(yaml.headers.get('content-type')).toContain('application/yaml')
    expect(await yaml.text()).toContain('expr: avg by (host) (cpu) > 90')
    expect((await send('GET', '/api/v1/policies/Nope/x')).status).toBe(404)
  })

  it('PUT /api/v1/policies/{kind}/{name} updates to version 2, keeping version 1, and audits the changed paths', async () => {
    const res = await send(
      'PUT',
      '/api/v1/policies/AlertRule/high-cpu',
      rule('high-cpu', { for: '5m' }),
      {
        'If-Match': '"1"',
      },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('etag')).toBe('"2"')
    expect((await res.json()).version).toBe(2)
    const [entry] = await audits('policy.update')
    expect(entry).toMatchObject({
      target: 'AlertRule/high-cpu',
      details: { version: 2, changes: ['spec.for'] },
    })
  })

  it('PUT with a stale If-Match answers 409 version_conflict and changes nothing', async () => {
    const res = await send(
      'PUT',
      '/api/v1/policies/AlertRule/high-cpu',
      rule('high-cpu', { for: '9m' }),
      {
        'If-Match': '1',
      },
    )
    expect(res.status).toBe(409)
    const body = await res.json()
    expect(body.error.code).toBe('version_conflict')
    expect(body.error.details).toEqual({ version: 2 })
    const current = await (await send('GET', '/api/v1/policies/AlertRule/high-cpu')).json()
    expect(current.document.spec.for).toBe('5m')
    expect(
      (
        await send('PUT', '/api/v1/policies/AlertRule/high-cpu', rule('high-cpu'), {
          'If-Match': 'abc',
        })
      ).status,
    ).toBe(400)
  })

  it('PUT refuses a body for another policy and answers 404 for one that does not exist', async () => {
    const other = await send('PUT', '/api/v1/policies/AlertRule/high-cpu', rule('low-cpu'))
    expect(other.status).toBe(400)
    expect((await other.json()).error.message).toContain('the URL names AlertRule high-cpu')
    expect((await send('PUT', '/api/v1/policies/AlertRule/nope', rule('nope'))).status).toBe(404)
  })

  it('PATCH {enabled} disables and enables (versions 3, 4), audited as policy.disable / policy.enable', async () => {
    const off = await send('PATCH', '/api/v1/policies/AlertRule/high-cpu', { enabled: false })
    expect(off.status).toBe(200)
    expect(await off.json()).toMatchObject({ enabled: false, version: 3 })
    const list = await (await send('GET', '/api/v1/policies?kind=AlertRule&enabled=false')).json()
    expect(list.policies.map((p: { name: string }) => p.name)).toEqual(['high-cpu'])
    expect(await t.policies.enabled('AlertRule')).toEqual([])
    const on = await send(
      'PATCH',
      '/api/v1/policies/AlertRule/high-cpu',
      { enabled: true },
      { 'If-Match': '"3"' },
    )
    expect(await on.json()).toMatchObject({ enabled: true, version: 4 })
    expect((await audits('policy.disable'))[0]!.target).toBe('AlertRule/high-cpu')
    expect((await audits('policy.enable'))[0]!.details).toMatchObject({ version: 4 })
    const bad = await send('PATCH', '/api/v1/policies/AlertRule/high-cpu', { enabled: 'yes' })
    expect(bad.status).toBe(400)
  })

  it('PolicyService.enabled() returns parsed enabled policies of a kind, durations in ms', async () => {
    const [p] = await t.policies.enabled('AlertRule')
    expect(p!.metadata.name).toBe('high-cpu')
    expect(p!.version).toBe(4)
    expect(p!.spec.for).toBe(300_000)
    expect(p!.spec.severity).toBe('high')
  })

  it('GET /api/v1/policies filters by kind and enabled and refuses an unknown kind', async () => {
    const all = await (await send('GET', '/api/v1/policies')).json()
    expect(all.policies.map((p: { kind: string; name: string }) => `${p.kind}/${p.name}`)).toEqual([
      'AccessPolicy/ops-restart',
      'AlertRule/high-cpu',
    ])
    const access = await (await send('GET', '/api/v1/policies?kind=AccessPolicy')).json()
    expect(access.policies).toHaveLength(1)
    const bad = await send('GET', '/api/v1/policies?kind=Nope')
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toContain('must be one of AlertRule')
  })

  it('DELETE removes the policy and keeps its history; GET .../versions lists every version newest first', async () => {
    const res = await send('DELETE', '/api/v1/policies/AlertRule/high-cpu')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      kind: 'AlertRule',
      name: 'high-cpu',
      deleted: true,
      version: 5,
    })
    expect((await send('GET', '/api/v1/policies/AlertRule/high-cpu')).status).toBe(404)
    const versions = await (
      await send('GET', '/api/v1/policies/AlertRule/high-cpu/versions')
    ).json()
    expect(
      versions.versions.map((v: { version: number; change: string }) => `${v.version} ${v.change}`),
    ).toEqual(['5 deleted', '4 enabled', '3 disabled', '2 updated', '1 created'])
    expect(versions.versions[4].document.spec.for).toBe('1m')
    expect(versions.versions[3].document.spec.for).toBe('5m')
    expect(versions.versions[0]).toMatchObject({ changed_by: 'test-all', changed_by_type: 'token' })
    expect((await audits('policy.delete'))[0]!.target).toBe('AlertRule/high-cpu')
    expect((await send('GET', '/api/v1/policies/AlertRule/never/versions')).status).toBe(404)
  })

  it('POST after DELETE creates it again with the next version, the history continuous', async () => {
    const res = await send('POST', '/api/v1/policies', rule('high-cpu'))
    expect((await res.json()).version).toBe(6)
    const versions = await (
      await send('GET', '/api/v1/policies/AlertRule/high-cpu/versions')
    ).json()
    expect(versions.versions.map((v: { change: string }) => v.change).slice(0, 2)).toEqual([
      'created',
      'deleted',
    ])
  })

  it('reads need policies:read and changes policies:write (403 naming the permission), refusals audited', async () => {
    const reader = await bearer(t, ['policies:read'], 'reader')
    expect((await send('GET', '/api/v1/policies', undefined, {}, reader)).status).toBe(200)
    const denied = await send(
      'DELETE',
      '/api/v1/policies/AlertRule/high-cpu',
      undefined,
      {},
      reader,
    )
    expect(denied.status).toBe(403)
    expect((await denied.json()).error.message).toBe('this needs the permission policies:write')
    const nobody = await bearer(t, ['metrics:read'], 'nobody')
    expect((await send('GET', '/api/v1/policies', undefined, {}, nobody)).status).toBe(403)
    expect((await send('GET', '/ui/policies', undefined, {}, nobody)).status).toBe(403)
    const refused = (await t.audit.list({ actor: 'reader', limit: 10 })).entries
    expect(refused[0]).toMatchObject({ action: 'http.delete', outcome: 'denied' })
    expect((await send('GET', '/api/v1/policies/AlertRule/high-cpu')).status).toBe(200)
  })
})
