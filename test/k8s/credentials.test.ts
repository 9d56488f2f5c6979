import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadCredentials } from '../../src/k8s/credentials.ts'
import { KubeConfigError } from '../../src/k8s/errors.ts'
import { connectCluster } from '../../src/k8s/index.ts'
import { noKubeEnv, startFakeCluster, type FakeCluster } from '../helpers/k8s.ts'

let fc: FakeCluster

beforeAll(async () => {
  fc = await startFakeCluster()
})
afterAll(() => fc.close())

const settings = (over: Partial<Parameters<typeof loadCredentials>[0]>) => ({
  kubeconfig: undefined,
  context: undefined,
  env: noKubeEnv,
  ...over,
})

async function namespaces(options: Parameters<typeof loadCredentials>[0]): Promise<string[]> {
  const cluster = await connectCluster(options, { serviceAccountDir: options.serviceAccountDir })
  const list = await cluster.list({ group: '', version: 'v1', resource: 'namespaces' })
  return list.items.map((o) => o.metadata.name)
}

describe('loadCredentials', () => {
  it.each([
    ['client certificate files', { auth: 'cert-files' as const }],
    [
      'inline client certificate data and CA data',
      { auth: 'cert-data' as const, ca: 'data' as const },
    ],
    ['a bearer token', { auth: { token: 'test-token' } }],
    [
      'insecure-skip-tls-verify with a token',
      { auth: { token: 'test-token' }, ca: 'insecure' as const },
    ],
  ])('connects with %s', async (_, options) => {
    const file = fc.kubeconfig(`kc-${Math.random()}.yaml`, options)
    expect(await namespaces(settings({ kubeconfig: file }))).toContain('kube-system')
  })

  it('refuses a server whose CA is not trusted, naming the server', async () => {
    const file = fc.kubeconfig('no-ca.yaml', { auth: { token: 'test-token' }, ca: 'none' })
    const err = await namespaces(settings({ kubeconfig: file })).catch((e: Error) => e)
    expect(err).toMatchObject({ reason: 'Unreachable', statusCode: 0 })
    expect((err as Error).message).toContain(`cannot reach ${fc.api.url}`)
  })

  it('gets 401 Unauthorized with a wrong token, and the token is not in the message', async () => {
    const file = fc.kubeconfig('bad-token.yaml', { auth: { token: 'not-the-token-s3cret' } })
    const err = await namespaces(settings({ kubeconfig: file })).catch((e: Error) => e)
    expect(err).toMatchObject({ statusCode: 401, reason: 'Unauthorized' })
    expect(JSON.stringify(err) + (err as Error).message).not.toContain('s3cret')
  })

  it('reads KUBECONFIG (several files, missing ones skipped) when no path is set', async () => {
    const file = fc.kubeconfig('env.yaml')
    const env = { ...noKubeEnv, KUBECONFIG: `${join(fc.dir, 'missing.yaml')}:${file}` }
    const creds = loadCredentials(settings({ env }))
    expect(creds.source).toContain('(KUBECONFIG)')
    expect(await namespaces(settings({ env }))).toContain('default')
  })

  it('reads ~/.kube/config from HOME', () => {
    const home = join(fc.dir, 'home')
    mkdirSync(join(home, '.kube'), { recursive: true })
    fc.kubeconfig('home/.kube/config')
    const creds = loadCredentials(settings({ env: { ...noKubeEnv, HOME: home } }))
    expect(creds.source).toBe(`kubeconfig ${join(home, '.kube', 'config')}`)
    expect(creds.server).toBe(fc.api.url)
  })

  it('selects a context by name and takes its namespace', () => {
    const file = fc.kubeconfig('contexts.yaml', { extraContexts: ['staging'] })
    expect(loadCredentials(settings({ kubeconfig: file })).context).toBe('fake')
    const staging = loadCredentials(settings({ kubeconfig: file, context: 'staging' }))
    expect(staging).toMatchObject({ context: 'staging', namespace: 'staging' })
  })

  it('uses the in-cluster service account when nothing else is configured', async () => {
    const sa = join(fc.dir, 'serviceaccount')
    mkdirSync(sa, { recursive: true })
    writeFileSync(join(sa, 'token'), 'test-token\n')
    writeFileSync(join(sa, 'ca.crt'), fc.certs.pem(fc.certs.caFile))
    writeFileSync(join(sa, 'namespace'), 'vigil')
    const port = new URL(fc.api.url).port
    const env = {
      ...noKubeEnv,
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: port,
    }
    const options = settings({ env, serviceAccountDir: sa })
    expect(loadCredentials(options)).toMatchObject({
      context: 'in-cluster',
      namespace: 'vigil',
      source: 'in-cluster service account',
    })
    expect(await namespaces(options)).toContain('default')
    expect(fc.api.requests.at(-1)?.user).toBe('token')
  })

  it.each([
    [
      'a missing explicit file',
      () => settings({ kubeconfig: '/nope/kubeconfig' }),
      /\/nope\/kubeconfig \(VIGIL_KUBECONFIG or --kubeconfig\) does not exist/,
    ],
    [
      'an unknown context',
      () =>
        settings({
          kubeconfig: fc.kubeconfig('ctx.yaml', { extraContexts: ['prod'] }),
          context: 'dev',
        }),
      /context "dev" \(VIGIL_KUBE_CONTEXT\) is not in .*; it has: fake, prod/,
    ],
    [
      'no current-context among several',
      () =>
        settings({
          kubeconfig: fc.kubeconfig('nocur.yaml', {
            extraContexts: ['prod'],
            currentContext: null,
          }),
        }),
      /no usable current-context; set VIGIL_KUBE_CONTEXT .* fake, prod/,
    ],
    [
      'no credentials at all',
      () => settings({}),
      /no Kubernetes credentials: set VIGIL_KUBECONFIG/,
    ],
    [
      'a missing client certificate file',
      () => settings({ kubeconfig: brokenCertConfig() }),
      /client-certificate of user "fake-user" in kubeconfig .*: file \/gone\/client.crt does not exist/,
    ],
    [
      'KUBECONFIG naming only missing files',
      () => settings({ env: { ...noKubeEnv, KUBECONFIG: '/a:/b' } }),
      /KUBECONFIG names no file that exists: \/a, \/b/,
    ],
    [
      'a service account without a token',
      () =>
        settings({
          env: {
            ...noKubeEnv,
            KUBERNETES_SERVICE_HOST: '10.0.0.1',
            KUBERNETES_SERVICE_PORT: '443',
          },
          serviceAccountDir: '/nope',
        }),
      /service-account token \/nope\/token is missing/,
    ],
    ['a file that is not YAML', () => settings({ kubeconfig: notYaml() }), /cannot be read/],
  ])('says what to fix for %s', (_, options, message) => {
    let err: unknown
    try {
      loadCredentials(options())
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(KubeConfigError)
    expect((err as Error).message).toMatch(message)
  })
})

function brokenCertConfig(): string {
  const file = fc.kubeconfig('broken.yaml')
  const text = readFileSync(file, 'utf8')
  writeFileSync(file, text.replace(fc.certs.clientCertFile, '/gone/client.crt'))
  return file
}

function notYaml(): string {
  const file = join(fc.dir, 'not-yaml.yaml')
  writeFileSync(file, 'clusters: [\n  {{{ nope')
  return file
}
