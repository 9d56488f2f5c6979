/**
 * `vigil k8s check`: connects to the cluster the settings name (`--kubeconfig`, `--kube-context`,
 * `KUBECONFIG`, `~/.kube/config` or the in-cluster service account), lists its namespaces and
 * prints them. Exit 0 when connected, 1 when the server refuses or cannot be reached, 2 when the
 * credentials cannot be loaded. A quick way to verify RBAC, CA and client certificates.
 */
import { checkCluster, KubeApiError, KubeConfigError } from '../k8s/index.ts'
import type { Command } from './command.ts'
import { UsageError } from './command.ts'

/** k8sCommand checks the connection to a Kubernetes cluster. */
export const k8sCommand: Command = {
  name: 'k8s',
  summary: 'Check the Kubernetes connection (k8s check)',
  description:
    'Subcommands:\n  check   connect with the configured credentials, list the namespaces; exit 0 when connected, 1 when refused or unreachable, 2 when the credentials cannot be loaded',
  args: '<check>',
  options: { json: { type: 'boolean', description: 'Print a JSON object instead of text' } },
  async run({ config, flags, positionals, io }) {
    const [sub, ...rest] = positionals
    if (sub !== 'check') {
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed')
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`)
    try {
      const result = await checkCluster(config.kube)
      if (flags.json) io.out(`${JSON.stringify(result)}\n`)
      else {
        io.out(`connected to ${result.server} (context ${result.context}, ${result.source})\n`)
        io.out(`${result.namespaces.length} namespaces: ${result.namespaces.join(', ')}\n`)
      }
      return 0
    } catch (err) {
      if (err instanceof KubeConfigError) {
        io.err(`vigil k8s check: ${err.message}\n`)
        return 2
      }
      if (err instanceof KubeApiError) {
        io.err(`vigil k8s check: ${err.message}\n`)
        return 1
      }
      throw err
    }
  },
}
