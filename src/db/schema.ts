/**
 * The drizzle schema: every table vigil keeps in libSQL. Migrations in `migrations/` are generated
 * from this file by `npm run db:generate`. Times are integer milliseconds since the epoch (UTC).
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** meta holds facts about this vigil instance: its id, when its database was created. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
})
