import { describe, expect, it } from 'bun:test'
import { runCli } from '../../src/cli/index.ts'
import { loadConfig } from '../../src/config.ts'

function io() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err }
}

describe('vigil k8s', () => {
  it('runCli() exits 2 with the help for an unknown subcommand', async () => {
    const cap = io()
    expect(await runCli(['k8s', 'nope'], cap.io, {})).toBe(2)
    expect(cap.err.join('')).toContain('unknown subcommand "nope"')
  })

  it('runCli() exits 2 naming the missing kubeconfig', async () => {
    const cap = io()
    expect(await runCli(['k8s', 'check', '--kubeconfig', '/missing/kc'], cap.io, {})).toBe(2)
    expect(cap.err.join('')).toContain(
      'kubeconfig /missing/kc (VIGIL_KUBECONFIG or --kubeconfig) does not exist',
    )
  })

  it('loadConfig() reads the kube settings and carries the variables a client reads', () => {
    const env = { VIGIL_KUBE_CONTEXT: 'prod', KUBECONFIG: '/a:/b', HOME: '/home/x' }
    expect(loadConfig({ kubeconfig: '/etc/kc' }, env).kube).toEqual({
      kubeconfig: '/etc/kc',
      context: 'prod',
      env: {
        KUBECONFIG: '/a:/b',
        HOME: '/home/x',
        KUBERNETES_SERVICE_HOST: undefined,
        KUBERNETES_SERVICE_PORT: undefined,
      },
    })
  })
})
