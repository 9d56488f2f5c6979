/** SQL over `notify_channels`; configs come and go as stored (secrets sealed). */
import type { Client, Row } from '@libsql/client'
import type { ChannelType } from './types.ts'

/** StoredChannel is a channel row: its config JSON still has sealed secrets. */
export interface StoredChannel {
  name: string
  type: ChannelType
  config: Record<string, unknown>
  rateLimit: number
  createdBy: string
  createdAt: number
  updatedAt: number
}

function toChannel(r: Row): StoredChannel {
  return {
    name: String(r.name),
    type: String(r.type) as ChannelType,
    config: JSON.parse(String(r.config)) as Record<string, unknown>,
    rateLimit: Number(r.rate_limit),
    createdBy: String(r.created_by),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }
}

/** listStoredChannels returns every stored channel by name. */
export async function listStoredChannels(client: Client): Promise<StoredChannel[]> {
  const res = await client.execute('SELECT * FROM notify_channels ORDER BY name')
  return res.rows.map(toChannel)
}

/** insertChannel stores a new channel; false when the name is taken. */
export async function insertChannel(client: Client, c: StoredChannel): Promise<boolean> {
  const res = await client.execute({
    sql: `INSERT INTO notify_channels (name, type, config, rate_limit, created_by, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
    args: [
      c.name,
      c.type,
      JSON.stringify(c.config),
      c.rateLimit,
      c.createdBy,
      c.createdAt,
      c.updatedAt,
    ],
  })
  return res.rowsAffected === 1
}

/** updateChannel replaces a channel's type, config and rate limit; false when it is gone. */
export async function updateChannel(client: Client, c: StoredChannel): Promise<boolean> {
  const res = await client.execute({
    sql: `UPDATE notify_channels SET type = ?, config = ?, rate_limit = ?, updated_at = ? WHERE name = ?`,
    args: [c.type, JSON.stringify(c.config), c.rateLimit, c.updatedAt, c.name],
  })
  return res.rowsAffected === 1
}

/** deleteChannel removes a channel; false when it was not there. */
export async function deleteChannel(client: Client, name: string): Promise<boolean> {
  const res = await client.execute({
    sql: 'DELETE FROM notify_channels WHERE name = ?',
    args: [name],
  })
  return res.rowsAffected === 1
}
