/**
 * `vigil drift check`: one scan of the manifests under --path (or VIGIL_DRIFT_PATHS) against the
 * cluster the settings name, findings on stdout as text or JSON (`--output json`). Exit 1 when
 * drift is found, 0 when none, 2 on errors (bad manifests, no cluster): usable in CI.
 */
import { diff } from '../drift/diff.ts'
import { listAll, resolve } from '../drift/live.ts'
import { loadManifests } from '../drift/manifest-load.ts'
import { ManifestError } from '../drift/manifest-parse.ts'
import type { Finding } from '../drift/types.ts'
import { connectCluster, KubeApiError, KubeConfigError } from '../k8s/index.ts'
import type { Command, CommandIO } from './command.ts'
import { UsageError } from './command.ts'

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))

function printText(findings: Finding[], summary: string, io: CommandIO): void {
  for (const f of findings) {
    const r = f.resource
    const where = f.source ? `  ${f.source.file}:${f.source.line}` : ''
    io.out(
      `${f.type} (${f.severity}) ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}${where}\n`,
    )
    for (const d of f.diffs)
      io.out(`  ${d.path}: desired ${show(d.desired)}, live ${show(d.live)} (${d.reason})\n`)
    for (const o of f.ownedElsewhere)
      io.out(`  ${o.path}: owned by ${o.managers.join(', ')}, not drift (live ${show(o.live)})\n`)
  }
  io.out(`${summary}\n`)
}

/** driftCommand checks the cluster against manifests once. */
export const driftCommand: Command = {
  name: 'drift',
  summary: 'Compare manifests with the cluster once (drift check)',
  description:
    'Subcommands:\n' +
    '  check   load the manifests under --path (comma-separated files or directories; else\n' +
    '          VIGIL_DRIFT_PATHS), read the live objects of the kinds they declare, and print\n' +
    '          every missing, mismatched and unexpected resource with its diffs. Drift settings\n' +
    '          (severities, ignoreDifferences, scope) come from VIGIL_DRIFT_SETTINGS.\n' +
    '          Exit 1 when drift is found, 0 when none, 2 on errors.',
  args: '<check>',
  options: {
    path: {
      type: 'string',
      value: 'PATHS',
      description: 'Manifest files or directories (comma-separated)',
    },
    output: { type: 'string', value: 'text|json', description: 'Output format (text)' },
  },
  async run({ config, flags, positionals, io }) {
    const [sub, ...rest] = positionals
    if (sub !== 'check')
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed')
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`)
    const output = typeof flags.output === 'string' ? flags.output : 'text'
    if (output !== 'text' && output !== 'json')
      throw new UsageError('--output must be text or json')
    const paths =
      typeof flags.path === 'string'
        ? flags.path
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean)
        : config.drift.paths
    if (paths.length === 0) throw new UsageError('--path (or VIGIL_DRIFT_PATHS) is needed')
    const fail = (message: string) => {
      io.err(`vigil drift check: ${message}\n`)
      return 2
    }
    let manifests
    try {
      manifests = loadManifests(paths)
    } catch (err) {
      if (err instanceof ManifestError) return fail(err.message)
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return fail(`${(err as Error).message.replace(/^ENOENT: /, '')}`)
      throw err
    }
    if (manifests.length === 0) return fail(`no manifests found under ${paths.join(', ')}`)
    try {
      const cluster = await connectCluster(config.kube)
      try {
        const scope = config.drift.settings.scope
        const resolved = await resolve(cluster, manifests, scope ? (scope.kinds ?? []) : [])
        const live = (await listAll(cluster, resolved.collections)) as Record<string, unknown>[]
        const findings = diff(manifests, live, { ...config.drift.settings, kinds: resolved.kinds })
        const summary =
          `${findings.length} finding${findings.length === 1 ? '' : 's'} in ${manifests.length} manifests ` +
          `against ${live.length} live objects` +
          (resolved.unserved.length
            ? `; not served by the cluster: ${resolved.unserved.join(', ')}`
            : '')
        if (output === 'json') io.out(`${JSON.stringify({ findings })}\n`)
        else printText(findings, summary, io)
        return findings.length > 0 ? 1 : 0
      } finally {
        cluster.close()
      }
    } catch (err) {
      if (err instanceof KubeConfigError || err instanceof KubeApiError) return fail(err.message)
      throw err
    }
  },
}
