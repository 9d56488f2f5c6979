/** The entry point of the vigil binary: runs the CLI and exits with its status. */
import { runCli } from './cli/index.ts'

process.exit(await runCli(process.argv.slice(2)))
