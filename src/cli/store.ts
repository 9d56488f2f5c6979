/** What the identity and audit commands share: the database, the stores and the CLI's audit identity. */
import { userInfo } from 'node:os'
import { Admin } from '../auth/admin.ts'
import { createAuditStore, type AuditStore } from '../audit/store.ts'
import { createAuth, type Auth } from '../auth/service.ts'
import type { Config } from '../config.ts'
import { openDatabase } from '../db/client.ts'
import { migrate } from '../db/migrate.ts'
import { UsageError } from './command.ts'

/** Stores are what a command works with. */
export interface Stores {
  auth: Auth
  audit: AuditStore
  admin: Admin
  now: () => number
}

/** cliActor names the person at the terminal in audit records. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`
  } catch {
    return 'cli'
  }
}

/** withStores opens (and migrates) the database, runs `fn`, and closes it. */
export async function withStores<T>(
  config: Config,
  fn: (stores: Stores) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(config.dbUrl, config.dbAuthToken)
  try {
    await migrate(db.client)
    const now = Date.now
    const auth = createAuth(db, now)
    const audit = createAuditStore(db.client, now)
    const actor = cliActor()
    const admin = new Admin(
      auth,
      (input) => audit.append({ ...input, actor, actorType: 'cli' }),
      actor,
    )
    return await fn({ auth, audit, admin, now })
  } finally {
    db.close()
  }
}

/** expectArgs checks the number of positional arguments of a subcommand. */
export function expectArgs(args: string[], count: number, usage: string): void {
  if (args.length !== count) throw new UsageError(`usage: vigil ${usage}`)
}

/** table renders rows as aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n') + '\n'
}
