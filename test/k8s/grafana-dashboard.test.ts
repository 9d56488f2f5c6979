import { describe, expect, it } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { registerLeaderMetrics } from '../../src/leader/metrics.ts'
import { makeApp } from '../helpers/app.ts'
import { k8sDir } from './kustomize.ts'

describe('k8s Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(join(k8sDir, 'grafana-dashboard.json'), 'utf8'))
  const exprs: string[] = [
    ...dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr)),
    ...dashboard.annotations.list.flatMap((a: any) => (a.expr ? [a.expr] : [])),
    ...dashboard.templating.list.flatMap((v: any) => (v.query?.query ? [v.query.query] : [])),
  ]

  it('queries through a Prometheus datasource variable', () => {
    const ds = dashboard.templating.list.find((v: any) => v.type === 'datasource')
    expect([ds.name, ds.query]).toEqual(['datasource', 'prometheus'])
    for (const p of dashboard.panels.filter((p: any) => p.type !== 'row'))
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' })
    expect(exprs.length).toBeGreaterThan(15)
  })

  it('names only metrics vigil registers', async () => {
    const t = await makeApp()
    try {
      const extra = new Registry()
      registerLeaderMetrics(extra)
      const metrics = [
        ...(await t.metrics.registry.getMetricsAsJSON()),
        ...(await extra.getMetricsAsJSON()),
      ]
      const names = new Set(
        metrics.flatMap((m) =>
          String(m.type) === 'histogram'
            ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]
            : [m.name],
        ),
      )
      const used = new Set(exprs.flatMap((e) => e.match(/\bvigil_[a-z_]+/g) ?? []))
      expect(used.size).toBeGreaterThan(8)
      for (const name of used) expect(names).toContain(name)
    } finally {
      t.close()
    }
  })
})
