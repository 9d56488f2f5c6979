/**
 * `npm run bench:drift`: the drift scanner of the compiled binary against the fake Kubernetes API
 * server over HTTPS (client certificates): 500 Deployments with their Pods, 500 Services and 500
 * ConfigMaps (2 000 live objects, plus the ReplicaSets the fake controller makes). Prints the time
 * from start to the first complete scan, the time from a change in the cluster (a watch event) to
 * its finding in the API, the scan duration and the server's RSS. Never asserted.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeCluster } from '../helpers/k8s.ts'
import { mib, pct, rss, startMeasured } from './lib.ts'

const root = join(import.meta.dir, '../..')
const binary = join(root, 'dist/vigil')
if (!existsSync(binary)) {
  console.error('dist/vigil is missing: run ./compile.sh first')
  process.exit(1)
}
const n = 500
const fc = await startFakeCluster()
const ns = 'bench'
fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
const manifests = join(fc.dir, 'manifests')
mkdirSync(manifests)
for (let i = 0; i < n; i++) {
  const app = `app-${i}`
  const labels = { app }
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace: ns, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'web',
              image: `registry.example/${app}:1.${i % 7}`,
              ports: [{ containerPort: 8080, name: 'http' }],
              env: [{ name: 'MODE', value: 'prod' }],
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
            },
          ],
        },
      },
    },
  }
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace: ns },
    spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  }
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${app}-config`, namespace: ns },
    data: { LOG_LEVEL: 'info', FEATURE: `f${i}` },
  }
  writeFileSync(
    join(manifests, `${app}.yaml`),
    [deployment, service, configMap].map((o) => JSON.stringify(o)).join('\n---\n'),
  )
  fc.api.seed(deployment, service, configMap)
  fc.api.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${app}-pod`,
      namespace: ns,
      labels,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-rs`, uid: `uid-${i}` },
      ],
    },
    spec: { containers: [{ name: 'web', image: `registry.example/${app}:1.${i % 7}` }] },
  })
}

writeFileSync(
  join(fc.dir, 'drift-settings.yaml'),
  `scope: {namespaces: [${ns}], kinds: [Deployment, Service, ConfigMap, Pod]}\n`,
)
const dir = join(fc.dir, 'vigil')
mkdirSync(dir)
const env = {
  PATH: process.env.PATH ?? '',
  HOME: dir,
  VIGIL_DATA_DIR: join(dir, 'data'),
  VIGIL_ADMIN_PASSWORD: 'bench-drift-passphrase',
  VIGIL_KUBECONFIG: fc.kubeconfig('bench.yaml'),
  VIGIL_DRIFT_PATHS: manifests,
  // The Pods are watched too (the scope names them): 2 000 live objects in all.
  VIGIL_DRIFT_SETTINGS: join(fc.dir, 'drift-settings.yaml'),
  VIGIL_LOG_LEVEL: 'info',
  VIGIL_LOG_FILE: join(dir, 'vigil.log'),
}
const {
  url,
  auth,
  proc,
  spawnedAt: started,
} = await startMeasured(binary, dir, env, 'drift:read', 19900 + Math.floor(Math.random() * 90))
const ready = performance.now()
async function status() {
  const res = await fetch(`${url}/api/v1/drift?status=open&limit=1000`, { headers: auth })
  return (await res.json()) as {
    findings: { resource: { name: string }; type: string }[]
    scanner: { state: string; objects: number; durationMs: number; message: string }
  }
}
let s = await status()
while (s.scanner.state !== 'ok') {
  await Bun.sleep(10)
  s = await status()
}
const first = performance.now()
console.log(
  `first complete scan: ${Math.round(first - started)} ms after the process started ` +
    `(${Math.round(first - ready)} ms after /readyz); ${s.scanner.objects.toLocaleString('en-US')} live objects ` +
    `against ${n * 3} manifests, ${s.scanner.message}; the scan itself ${s.scanner.durationMs} ms`,
)

// Changes in the cluster, one at a time: the time until each finding shows in the API.
const lags: number[] = []
for (let k = 0; k < 20; k++) {
  const name = `app-${k * 7}-config`
  const changed = performance.now()
  fc.api.mutate('v1', 'ConfigMap', ns, name, (o) => {
    ;(o.data as Record<string, string>).LOG_LEVEL = `debug-${k}`
  })
  for (;;) {
    s = await status()
    if (s.findings.some((f) => f.resource.name === name)) break
    await Bun.sleep(5)
  }
  lags.push(performance.now() - changed)
}
console.log(
  `change to finding (watch event → scan → API): p50 ${Math.round(pct(lags, 0.5))} ms, ` +
    `max ${Math.round(Math.max(...lags))} ms over ${lags.length} changes; last scan ${s.scanner.durationMs} ms`,
)
// Where the first result's time went, from the server's own log lines.
for (const line of readFileSync(join(dir, 'vigil.log'), 'utf8').split('\n')) {
  if (!line.includes('"drift') && !line.includes('"listening"')) continue
  const entry = JSON.parse(line) as Record<string, unknown>
  if (entry.msg === 'listening')
    console.log(`  server start (its own startup_ms): ${entry.startup_ms} ms`)
  if (entry.msg === 'drift scanner connected')
    console.log(`  connecting (loading the Kubernetes client and credentials): ${entry.ms} ms`)
  if (entry.msg === 'drift scan')
    console.log(
      `  first scan: diff ${entry.diff_ms} ms, compliance ${entry.compliance_ms} ms, storing ${entry.store_ms} ms`,
    )
}
console.log(
  `RSS with ${s.scanner.objects.toLocaleString('en-US')} objects watched: ${mib(rss(proc.pid))}`,
)
proc.kill('SIGTERM')
await proc.exited
await fc.close()
