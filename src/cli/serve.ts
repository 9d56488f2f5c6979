/**
 * `vigil serve`, the default command. The server itself (src/cli/start.ts) is imported when the
 * command runs, so other commands (the agent above all) never load it.
 */
import type { Command } from './command.ts'
import { loggerFor } from './logger.ts'
import type { Running } from './start.ts'

export { loggerFor } from './logger.ts'

/** serveCommand runs vigil until SIGTERM or SIGINT. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the server (the default command)',
  description:
    'Serves the API, Prometheus /metrics and the dashboard on one port over the configured\n' +
    'database, applying pending migrations first. SIGTERM or SIGINT stops it gracefully.',
  options: {},
  async run({ config, io }) {
    const logger = loggerFor(config)
    let running: Running
    try {
      const { start } = await import('./start.ts')
      running = await start(config, logger)
    } catch (err) {
      logger.error('cannot start', { err })
      io.err(`vigil: ${(err as Error).message}\n`)
      return 1
    }
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'))
      process.once('SIGINT', () => resolve('SIGINT'))
    })
    await running.shutdown(signal)
    return 0
  },
}
