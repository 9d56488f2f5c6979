/** `vigil version`: prints the version of vigil and of the runtime it runs on. */
import { runtime } from '../runtime/index.ts'
import { VERSION } from '../version.ts'
import type { Command } from './command.ts'

/** versionCommand prints `vigil <version> (<runtime> <version>, <os>/<arch>)`. */
export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the version',
  description: 'Prints the vigil version, the runtime and the platform.',
  options: { json: { type: 'boolean', description: 'Print a JSON object instead of a line' } },
  async run({ flags, io }) {
    const info = {
      version: VERSION,
      runtime: runtime.name,
      runtime_version: runtime.version,
      compiled: runtime.compiled,
      platform: `${process.platform}/${process.arch}`,
    }
    if (flags.json) io.out(`${JSON.stringify(info)}\n`)
    else io.out(`vigil ${VERSION} (${runtime.name} ${runtime.version}, ${info.platform})\n`)
    return 0
  },
}
