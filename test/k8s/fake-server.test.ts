import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster
let tls: { ca: string; cert: string; key: string }

/** call speaks raw HTTP to the fake server with the client certificate. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) {
  const res = await fetch(`${fc.api.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    tls,
  } as RequestInit)
  return { status: res.status, body: (await res.json()) as any }
}

/** watchLines opens a raw watch and returns the first `n` events. */
async function watchLines(path: string, n: number, during: () => void = () => {}) {
  const res = await fetch(`${fc.api.url}${path}`, { tls } as RequestInit)
  const reader = res.body!.getReader()
  const events: any[] = []
  let buffer = ''
  let poked = false
  while (events.length < n) {
    if (!poked) setTimeout(during, 20)
    poked = true
    const { done, value } = await reader.read()
    if (done) break
    buffer += new TextDecoder().decode(value)
    const lines = buffer.split('\n')
    buffer = lines.pop()!
    for (const line of lines) if (line) events.push(JSON.parse(line))
  }
  await reader.cancel()
  return events
}

const deployment = (name: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'fake' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
  },
})

beforeAll(async () => {
  fc = await startFakeCluster()
  tls = {
    ca: fc.certs.pem(fc.certs.caFile),
    cert: fc.certs.pem(fc.certs.clientCertFile),
    key: fc.certs.pem(fc.certs.clientKeyFile),
  }
  fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fake' } })
})
afterAll(() => fc.close())

describe('fake API server', () => {
  it('serves discovery with group versions, scopes and subresources', async () => {
    expect((await call('GET', '/api')).body.versions).toEqual(['v1'])
    const groups = (await call('GET', '/apis')).body.groups.map((g: any) => g.name)
    expect(groups).toEqual(['apps', 'coordination.k8s.io', 'policy', 'events.k8s.io'])
    const core = (await call('GET', '/api/v1')).body.resources
    expect(core.find((r: any) => r.name === 'nodes')).toMatchObject({
      kind: 'Node',
      namespaced: false,
    })
    expect(core.map((r: any) => r.name)).toContain('pods/eviction')
    expect((await call('GET', '/apis/apps')).body.preferredVersion.groupVersion).toBe('apps/v1')
  })

  it('refuses a request without credentials with a 401 Status', async () => {
    const res = await fetch(`${fc.api.url}/api/v1/namespaces`, {
      tls: { ca: tls.ca },
    } as RequestInit)
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 })
  })

  it('fills uid, resourceVersion, generation and creationTimestamp, drops status on create', async () => {
    const made = await call('POST', '/apis/apps/v1/namespaces/fake/deployments', {
      ...deployment('web', 'nginx:1'),
      status: { replicas: 99 },
    })
    expect(made.status).toBe(201)
    expect(made.body.metadata).toMatchObject({ generation: 1, namespace: 'fake' })
    expect(made.body.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(made.body.status).toBeUndefined()
    const list = await call('GET', '/apis/apps/v1/namespaces/fake/deployments')
    expect(list.body).toMatchObject({ kind: 'DeploymentList', apiVersion: 'apps/v1' })
    expect(list.body.items[0].kind).toBeUndefined()
  })

  it('runs a Deployment: one ReplicaSet per template, revision annotations, old ones at 0', async () => {
    await call(
      'PATCH',
      '/apis/apps/v1/namespaces/fake/deployments/web',
      { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } },
      'application/strategic-merge-patch+json',
    )
    const sets = fc.api.list('apps/v1', 'ReplicaSet', 'fake')
    const summary = sets.map((rs: any) => [
      rs.metadata.annotations['deployment.kubernetes.io/revision'],
      rs.spec.replicas,
    ])
    expect(summary.sort()).toEqual([
      ['1', 0],
      ['2', 1],
    ])
    const dep = fc.api.read('apps/v1', 'Deployment', 'fake', 'web') as any
    expect(dep.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2')
    expect(dep.metadata.generation).toBe(2)
    expect(dep.status.observedGeneration).toBe(2)
  })

  it('keeps status on main-resource writes and changes it only through /status', async () => {
    const path = '/apis/apps/v1/namespaces/fake/deployments/web'
    await call('PATCH', path, { status: { replicas: 42 } }, 'application/merge-patch+json')
    expect((fc.api.read('apps/v1', 'Deployment', 'fake', 'web') as any).status.replicas).toBe(1)
    await call(
      'PATCH',
      `${path}/status`,
      { status: { replicas: 42 } },
      'application/merge-patch+json',
    )
    expect((fc.api.read('apps/v1', 'Deployment', 'fake', 'web') as any).status.replicas).toBe(42)
  })

  it('answers dryRun=All on PUT, apply and DELETE without storing', async () => {
    const path = '/apis/apps/v1/namespaces/fake/deployments/web'
    const live = fc.api.read('apps/v1', 'Deployment', 'fake', 'web')!
    const put = await call('PUT', `${path}?dryRun=All`, {
      ...live,
      spec: { ...(live.spec as object), replicas: 5 },
    })
    expect(put.body.spec.replicas).toBe(5)
    const applied = await call(
      'PATCH',
      `${path}?dryRun=All&fieldManager=t&force=true`,
      JSON.stringify(deployment('web', 'x:9')),
      'application/apply-patch+yaml',
    )
    expect(applied.body.spec.template.spec.containers[0].image).toBe('x:9')
    expect((await call('DELETE', `${path}?dryRun=All`)).status).toBe(200)
    expect(fc.api.read('apps/v1', 'Deployment', 'fake', 'web')).toEqual(live)
    expect((await call('POST', '/api/v1/namespaces/fake/configmaps?dryRun=Some', {})).status).toBe(
      400,
    )
  })

  it('answers apply without fieldManager with 400 and an unknown patch type with 415', async () => {
    const path = '/apis/apps/v1/namespaces/fake/deployments/web'
    expect((await call('PATCH', path, '{}', 'application/apply-patch+yaml')).status).toBe(400)
    expect((await call('PATCH', path, '{}', 'text/plain')).body).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
    })
  })

  it('watch sends ADDED for the current state, then changes and BOOKMARKs', async () => {
    fc.api.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'one', namespace: 'fake' },
    })
    const events = await watchLines(
      '/api/v1/namespaces/fake/configmaps?watch=1&allowWatchBookmarks=true',
      3,
      () => {
        fc.api.seed({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'two', namespace: 'fake' },
        })
        fc.api.bookmark()
      },
    )
    expect(events.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`)).toEqual([
      'ADDED one',
      'ADDED two',
      'BOOKMARK ',
    ])
    expect(Number(events[2].object.metadata.resourceVersion)).toBe(fc.api.store.rv)
  })

  it('watch from a compacted resourceVersion sends one ERROR event with 410 Expired', async () => {
    const rv = fc.api.store.rv
    fc.api.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'three', namespace: 'fake' },
    })
    const replay = await watchLines(
      `/api/v1/namespaces/fake/configmaps?watch=1&resourceVersion=${rv}`,
      1,
    )
    expect(replay[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'three' } } })
    fc.api.compact()
    const events = await watchLines(
      `/api/v1/namespaces/fake/configmaps?watch=1&resourceVersion=${rv}`,
      2,
    )
    expect(events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }),
      },
    ])
  })

  it('deleting a namespace deletes what is in it', async () => {
    expect((await call('DELETE', '/api/v1/namespaces/fake')).status).toBe(200)
    expect(fc.api.list('apps/v1', 'Deployment', 'fake')).toEqual([])
    expect(fc.api.list('v1', 'ConfigMap', 'fake')).toEqual([])
  })
})
