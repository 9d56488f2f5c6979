import { afterEach, describe, expect, it } from 'bun:test'
import { getEventListeners } from 'node:events'
import { makeApp, type TestApp } from '../helpers/app.ts'

let t: TestApp | undefined
afterEach(() => t?.close())

// The background loops wait on the shutdown signal every tick for the life of the process: each
// wait must take its abort listener away again, or they pile up (86 400 a day at one a second).
describe('background loops', () => {
  it('leave no abort listener behind per tick', async () => {
    t = await makeApp()
    const loops = new AbortController()
    const runs = [t.engine.run(loops.signal, 5), t.anomalies.run(loops.signal)]
    await Bun.sleep(200)
    // Each loop waits with at most one listener at a time.
    expect(getEventListeners(loops.signal, 'abort').length).toBeLessThanOrEqual(runs.length)
    loops.abort()
    await Promise.all(runs)
  })
})
