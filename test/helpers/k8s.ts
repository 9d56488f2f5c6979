/** Starts the fake Kubernetes API server with fresh certificates and writes kubeconfigs for it. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KubeSettings } from '../../src/config.ts'
import { makeCerts, type TestCerts } from '../fixtures/k8s/certs.ts'
import { writeKubeconfig, type KubeconfigOptions } from '../fixtures/k8s/kubeconfig.ts'
import { FakeKubeServer } from '../fixtures/k8s/server.ts'

/** FakeCluster is a running fake API server with its certificates and a scratch directory. */
export interface FakeCluster {
  api: FakeKubeServer
  certs: TestCerts
  dir: string
  /** kubeconfig writes a kubeconfig for this server and returns its path. */
  kubeconfig(file: string, options?: Partial<Omit<KubeconfigOptions, 'server' | 'certs'>>): string
  /** settings are KubeSettings naming that kubeconfig explicitly (no environment). */
  settings(
    file: string,
    options?: Partial<Omit<KubeconfigOptions, 'server' | 'certs'>>,
  ): KubeSettings
  close(): Promise<void>
}

const noEnv = {
  KUBECONFIG: undefined,
  HOME: undefined,
  KUBERNETES_SERVICE_HOST: undefined,
  KUBERNETES_SERVICE_PORT: undefined,
}

/** startFakeCluster makes certificates, starts the server and returns helpers around it. */
export async function startFakeCluster(tokens = ['test-token']): Promise<FakeCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-k8s-'))
  const certs = makeCerts(dir)
  const api = await FakeKubeServer.start({ certs, tokens })
  const kubeconfig: FakeCluster['kubeconfig'] = (file, options = {}) =>
    writeKubeconfig(dir, file, { server: api.url, certs, auth: 'cert-files', ...options })
  return {
    api,
    certs,
    dir,
    kubeconfig,
    settings: (file, options) => ({
      kubeconfig: kubeconfig(file, options),
      context: undefined,
      env: noEnv,
    }),
    async close() {
      await api.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** noKubeEnv is an environment with none of the variables a Kubernetes client reads. */
export const noKubeEnv = noEnv
