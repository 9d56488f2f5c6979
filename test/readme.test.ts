import { describe, expect, it } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { commands } from '../src/cli/index.ts'
import { settings, type Setting } from '../src/config.ts'
import { sections } from '../src/dashboard/sections.ts'

const root = join(import.meta.dir, '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')

describe('README', () => {
  it.each(Object.values(settings).map((s: Setting) => [s.env, s] as const))(
    'documents %s with its flag, file key and default in the configuration table',
    (env, setting) => {
      const rows = readme.split('\n').map((line) => line.split('|').map((c) => c.trim()))
      const cells = rows.find((c) => c[0] === '' && c[1] === `\`${env}\``)
      expect(cells).toBeDefined()
      expect(cells![2]).toBe(`\`--${setting.flag}\``)
      expect(cells![3]).toBe(`\`${setting.file}\``)
      expect(cells![4]).toBe(setting.default === undefined ? '(none)' : `\`${setting.default}\``)
    },
  )

  it('shows the two quick-start commands', () => {
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm install && npm test')
  })

  it('lists every command', () => {
    for (const name of Object.keys(commands)) expect(readme).toContain(`\`vigil ${name}`)
  })

  it('names every dashboard section', () => {
    for (const s of sections) expect(readme).toContain(s.title)
  })
})

describe('k8s base', () => {
  const docs = (file: string) => parseYaml(readFileSync(join(root, 'k8s/base', file), 'utf8'))

  it('lists every manifest file in kustomization.yaml', () => {
    const kustomization = docs('kustomization.yaml') as { resources: string[] }
    for (const file of kustomization.resources) expect(docs(file)).toHaveProperty('kind')
  })

  it('probes /healthz and /readyz on the port vigil listens on, with a writable /tmp', () => {
    const deployment = docs('deployment.yaml')
    const container = deployment.spec.template.spec.containers[0]
    expect(container.livenessProbe.httpGet.path).toBe('/healthz')
    expect(container.readinessProbe.httpGet.path).toBe('/readyz')
    const port = container.env.find((e: { name: string }) => e.name === 'VIGIL_PORT').value
    expect(container.ports[0].containerPort).toBe(Number(port))
    expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain('/tmp')
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true)
  })
})
