/**
 * `vigil policy validate FILE...`: checks policy files (or directories of them) offline, with the
 * schemas the server uses, without opening the database. Prints `FILE:LINE:COL: message` per
 * problem and exits 1 on any; 0 when every policy is valid.
 */
import { collect, problemText, readPolicyPaths } from '../policy/index.ts'
import type { Command } from './command.ts'
import { UsageError } from './command.ts'

/** policyCommand validates policy files. */
export const policyCommand: Command = {
  name: 'policy',
  summary: 'Check policy files offline (policy validate FILE...)',
  description:
    'Subcommands:\n' +
    '  validate FILE...   read each file (or directory: *.yaml, *.yml, *.json, recursively),\n' +
    "                     multi-document YAML, and check every policy against its kind's schema\n" +
    '                     (AlertRule, CompliancePolicy, RemediationPolicy, AccessPolicy) and that\n' +
    '                     names are unique per kind. Prints FILE:LINE:COL: message per problem on\n' +
    '                     stderr; exit 1 on any problem, 0 when all are valid. No database is used.',
  args: '<validate> FILE...',
  options: {},
  async run({ positionals, io }) {
    const [sub, ...paths] = positionals
    if (sub !== 'validate')
      throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed')
    if (paths.length === 0) throw new UsageError('name at least one FILE or directory')
    const read = readPolicyPaths(paths)
    const { entries, problems } = collect(read)
    for (const p of problems) {
      io.err(`${problemText(p)}\n`)
    }
    const files = read.files.length
    if (problems.length > 0) {
      io.err(
        `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${paths.join(' ')}\n`,
      )
      return 1
    }
    io.out(
      `${entries.size} polic${entries.size === 1 ? 'y' : 'ies'} in ${files} file${files === 1 ? '' : 's'}: valid\n`,
    )
    return 0
  },
}
