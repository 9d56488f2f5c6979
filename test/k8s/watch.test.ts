import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import { connectCluster, type Cluster, type WatchEvent } from '../../src/k8s/index.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster
let k8s: Cluster

const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespace: 'watch' }
const path = '/api/v1/namespaces/watch/configmaps'
const cm = (name: string, labels: Record<string, string> = { app: 'web' }, value = '1') => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'watch', labels },
  data: { value },
})

/** until polls `check` until it returns true or the time is up. */
async function until(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await Bun.sleep(10)
  }
}

const lists = () => fc.api.count({ path, watch: false, method: 'GET' })
const watches = () => fc.api.count({ path, watch: true })

beforeAll(async () => {
  fc = await startFakeCluster()
  fc.api.seed(cm('a'), cm('b'), cm('other', { app: 'db' }))
  k8s = await connectCluster(fc.settings('watch.yaml'), {
    informers: { backoff: { initialMs: 40, maxMs: 200 }, watchTimeoutSeconds: () => 30 },
  })
})
afterEach(async () => {
  k8s.close()
  await until(() => fc.api.openWatches === 0)
  fc.api.requests.length = 0
})
afterAll(() => fc.close())

describe('ClusterReader.watch', () => {
  it('watch() lists once, then delivers ADDED, MODIFIED and DELETED into the cache', async () => {
    const events: WatchEvent[] = []
    const synced: string[][] = []
    const handle = k8s.watch(
      configmaps,
      {
        onEvent: (e) => events.push(e),
        onSync: (objects) => synced.push(objects.map((o) => o.metadata.name).sort()),
      },
      { labelSelector: 'app=web' },
    )
    await handle.synced
    expect(synced[0]).toEqual(['a', 'b'])
    await until(() => fc.api.openWatches === 1)
    fc.api.seed(cm('c'))
    fc.api.mutate('v1', 'ConfigMap', 'watch', 'a', (o) => void ((o.data as any).value = '2'))
    fc.api.remove('v1', 'ConfigMap', 'watch', 'b')
    fc.api.mutate(
      'v1',
      'ConfigMap',
      'watch',
      'other',
      (o) => void (o.metadata.labels = { app: 'web' }),
    )
    await until(() => events.length === 4)
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED c',
      'MODIFIED a',
      'DELETED b',
      'ADDED other',
    ])
    expect(
      handle
        .objects()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'c', 'other'])
    expect(handle.objects().find((o) => o.metadata.name === 'a')!.data).toEqual({ value: '2' })
    expect(lists()).toBe(1)
  })

  it('watch() shares one list and one watch between subscribers of the same collection', async () => {
    const seen: string[] = []
    const first = k8s.watch(configmaps, {
      onEvent: (e) => seen.push(`1:${e.object.metadata.name}`),
    })
    const second = k8s.watch(configmaps, {
      onEvent: (e) => seen.push(`2:${e.object.metadata.name}`),
    })
    await Promise.all([first.synced, second.synced])
    await until(() => fc.api.openWatches === 1)
    fc.api.seed(cm('shared'))
    await until(() => seen.length === 2)
    expect(seen.sort()).toEqual(['1:shared', '2:shared'])
    expect({ lists: lists(), watches: watches() }).toEqual({ lists: 1, watches: 1 })
    first.stop()
    fc.api.seed(cm('shared-2'))
    await until(() => seen.length === 3)
    expect(seen.at(-1)).toBe('2:shared-2')
    second.stop()
    await until(() => fc.api.openWatches === 0)
  })

  it('watch() re-opens an ended watch from the last resourceVersion without listing again', async () => {
    const events: string[] = []
    const handle = k8s.watch(configmaps, { onEvent: (e) => events.push(e.object.metadata.name) })
    await handle.synced
    await until(() => fc.api.openWatches === 1)
    fc.api.bookmark()
    fc.api.endWatches()
    fc.api.seed(cm('while-away'))
    await until(() => events.includes('while-away'))
    expect(lists()).toBe(1)
    expect(watches()).toBe(2)
    const rv = fc.api.requests.filter((r) => r.watch).map((r) => Number(r.query.resourceVersion))
    expect(rv[1]).toBeGreaterThanOrEqual(rv[0]!)
  })

  it('watch() relists on 410 Gone and reports what changed meanwhile as events', async () => {
    const events: string[] = []
    const handle = k8s.watch(configmaps, {
      onEvent: (e) => events.push(`${e.type} ${e.object.metadata.name}`),
    })
    await handle.synced
    await until(() => fc.api.openWatches === 1)
    const before = handle.objects().length
    fc.api.endWatches()
    // While no watch is open: a change, a delete, and the history compacted past them.
    fc.api.mutate('v1', 'ConfigMap', 'watch', 'c', (o) => void ((o.data as any).value = 'new'))
    fc.api.remove('v1', 'ConfigMap', 'watch', 'shared')
    fc.api.compact()
    await until(() => lists() === 2 && fc.api.openWatches === 1)
    expect(events).toEqual(['MODIFIED c', 'DELETED shared'])
    expect(handle.objects()).toHaveLength(before - 1)
    const statuses = fc.api.requests
      .filter((r) => r.path === path)
      .map((r) => `${r.watch ? 'watch' : 'list'}`)
    expect(statuses).toEqual(['list', 'watch', 'watch', 'list', 'watch'])
  })

  it('watch() backs off exponentially on errors and keeps its cache', async () => {
    const errors: string[] = []
    const handle = k8s.watch(configmaps, { onError: (e) => errors.push((e as any).reason) })
    await handle.synced
    await until(() => fc.api.openWatches === 1)
    fc.api.failNext({ path, watch: true, status: 500, times: 4 })
    fc.api.endWatches()
    await until(() => fc.api.openWatches === 1, 5000)
    expect(errors).toEqual(['InternalError', 'InternalError', 'InternalError', 'InternalError'])
    const times = fc.api.requests.filter((r) => r.watch).map((r) => r.at)
    const gaps = times.slice(2).map((t, i) => t - times[i + 1]!)
    // initial 40 ms doubling, jittered into [d/2, d], capped at 200 ms.
    expect(gaps[0]!).toBeGreaterThanOrEqual(15)
    expect(gaps[3]!).toBeGreaterThanOrEqual(70)
    expect(Math.max(...gaps)).toBeLessThan(600)
    expect(lists()).toBe(1)
    expect(handle.objects().length).toBeGreaterThan(0)
  })

  it('watch() does not storm the server with lists when every relist meets Gone again', async () => {
    const handle = k8s.watch(configmaps, {})
    await handle.synced
    await until(() => fc.api.openWatches === 1)
    fc.api.failNext({ path, watch: true, status: 410, reason: 'Expired', times: 5 })
    fc.api.endWatches()
    await Bun.sleep(300)
    // 410, relist at once, 410, wait, relist ... : a handful of lists in 300 ms, not hundreds.
    expect(lists()).toBeGreaterThanOrEqual(3)
    expect(lists()).toBeLessThanOrEqual(6)
    await until(() => fc.api.openWatches === 1, 5000)
  })

  it('watch() retries a failing first list until it succeeds', async () => {
    fc.api.failNext({ path, watch: false, status: 403, times: 2 })
    const errors: string[] = []
    const handle = k8s.watch(configmaps, { onError: (e) => errors.push((e as any).reason) })
    await handle.synced
    expect(errors).toEqual(['Forbidden', 'Forbidden'])
    expect(lists()).toBe(3)
  })
})

describe('ClusterReader.watch resync', () => {
  it('watch() re-sends the cache to onSync every resyncMs without listing again', async () => {
    const resyncing = await connectCluster(fc.settings('resync.yaml'), {
      informers: { resyncMs: 60, watchTimeoutSeconds: () => 30 },
    })
    let syncs = 0
    const handle = resyncing.watch(configmaps, { onSync: () => syncs++ })
    await handle.synced
    await until(() => syncs >= 3)
    expect(lists()).toBe(1)
    resyncing.close()
  })
})
