import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { copyBinary, root } from './process.ts'
import { startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster
let binary: string

beforeAll(async () => {
  fc = await startFakeCluster()
  binary = copyBinary(fc.dir)
}, 120_000)
afterAll(() => fc.close())

/** run starts the compiled binary far from any node_modules, with only the given environment. */
async function run(args: string[], env: Record<string, string> = {}, cmd = [binary]) {
  const proc = Bun.spawn([...cmd, ...args], {
    cwd: cmd.length > 1 ? root : fc.dir,
    env: { PATH: process.env.PATH ?? '', HOME: fc.dir, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, exit] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return { stdout, stderr, exit }
}

describe('compiled binary: vigil k8s check', () => {
  it('connects over HTTPS with a client-certificate kubeconfig (files) and lists namespaces', async () => {
    fc.api.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } })
    const file = fc.kubeconfig('binary-files.yaml')
    const out = await run(['k8s', 'check', '--kubeconfig', file])
    expect(out).toMatchObject({ exit: 0, stderr: '' })
    expect(out.stdout).toContain(`connected to ${fc.api.url} (context fake, kubeconfig ${file})`)
    expect(out.stdout).toContain(
      '5 namespaces: default, kube-node-lease, kube-public, kube-system, shop',
    )
    const last = fc.api.requests.at(-1)!
    expect(last).toMatchObject({ method: 'GET', path: '/api/v1/namespaces', status: 200 })
    expect(last.user.startsWith('cert:')).toBe(true)
  })

  it('takes inline certificate data and the context from VIGIL_KUBECONFIG / VIGIL_KUBE_CONTEXT', async () => {
    const file = fc.kubeconfig('binary-data.yaml', {
      auth: 'cert-data',
      ca: 'data',
      extraContexts: ['other'],
    })
    const out = await run(['k8s', 'check', '--json'], {
      VIGIL_KUBECONFIG: file,
      VIGIL_KUBE_CONTEXT: 'other',
    })
    expect(out.exit).toBe(0)
    const result = JSON.parse(out.stdout)
    expect(result).toMatchObject({ server: fc.api.url, context: 'other' })
    expect(result.namespaces).toContain('kube-system')
    expect(fc.api.requests.at(-1)!.user.startsWith('cert:')).toBe(true)
  })

  it('exits 1 naming the server when the client certificate is not trusted', async () => {
    const file = fc.kubeconfig('binary-rogue.yaml')
    const text = await Bun.file(file).text()
    await Bun.write(
      file,
      text
        .replace(fc.certs.clientCertFile, fc.certs.rogueCertFile)
        .replace(fc.certs.clientKeyFile, fc.certs.rogueKeyFile),
    )
    const out = await run(['k8s', 'check', '--kubeconfig', file])
    expect(out.exit).toBe(1)
    expect(out.stderr).toContain('GET /api/v1/namespaces: 401 Unauthorized')
  })

  it('exits 2 saying what to fix when there are no credentials', async () => {
    const out = await run(['k8s', 'check'])
    expect(out.exit).toBe(2)
    expect(out.stderr).toContain('no Kubernetes credentials: set VIGIL_KUBECONFIG')
  })
})

describe('deno: vigil k8s check', () => {
  it('connects with a client-certificate kubeconfig under Deno too', async () => {
    const deno = [join(root, 'node_modules/.bin/deno'), 'run', '-A', join(root, 'src/main.ts')]
    const file = fc.kubeconfig('deno-files.yaml')
    const out = await run(
      ['k8s', 'check', '--kubeconfig', file],
      { DENO_NO_UPDATE_CHECK: '1' },
      deno,
    )
    expect(out).toMatchObject({ exit: 0, stderr: '' })
    expect(out.stdout).toContain(`connected to ${fc.api.url}`)
    expect(fc.api.requests.at(-1)!.user.startsWith('cert:')).toBe(true)
  }, 90_000)
})
