/**
 * The channels vigil knows: read-only ones from the notify file and managed ones from the
 * database (secrets sealed at rest). Validates configs by type, redacts secrets for readers and
 * keeps an in-memory view for the sender, refreshed on every change here and every 10 s (so a
 * change made by another replica is seen soon).
 */
import type { Client } from '@libsql/client'
import { z } from 'zod'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import type { ChannelDef } from './channel.ts'
import {
  deleteChannel,
  insertChannel,
  listStoredChannels,
  updateChannel,
  type StoredChannel,
} from './channel-store.ts'
import { channels as registry } from './channels/index.ts'
import type { FileChannel } from './file.ts'
import type { SecretBox } from './secret-box.ts'
import { keepRedacted, openSecrets, redactSecrets, sealSecrets } from './secrets.ts'
import type { ChannelType } from './types.ts'

/** Channel is a usable channel: its validated config with secrets in the clear. */
export interface Channel {
  name: string
  type: ChannelType
  config: unknown
  rateLimit: number
  source: 'api' | 'file'
  /** error says why the channel cannot be used (its secrets do not open under this key). */
  error?: string | undefined
  createdBy?: string | undefined
  createdAt?: number | undefined
  updatedAt?: number | undefined
}

/** ChannelInput is a create or update as the API takes it. */
export interface ChannelInput {
  name: string
  type: ChannelType
  config: Record<string, unknown>
  rateLimit: number
}

/** defOf returns a channel type's definition. */
export function defOf(type: ChannelType): ChannelDef {
  return registry[type] as ChannelDef
}

/** validateConfig checks a config against its type's schema; a ValidationError names the field. */
export function validateConfig(type: ChannelType, config: unknown): unknown {
  const result = defOf(type).schema.safeParse(config)
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({
      path: ['config', ...i.path].join('.'),
      message: i.message,
    }))
    throw new ValidationError(`body: ${issues[0]!.path}: ${issues[0]!.message}`, {
      details: { issues },
    })
  }
  return result.data
}

const refreshMs = 10_000

/** ChannelDirectory lists, changes and resolves channels. */
export class ChannelDirectory {
  private cache = new Map<string, Channel>()
  private loadedAt = -Infinity
  private readonly file: Map<string, Channel>

  constructor(
    private readonly client: Client,
    private readonly box: SecretBox,
    fileChannels: FileChannel[],
    private readonly now: () => number,
  ) {
    this.file = new Map(
      fileChannels.map((c) => {
        let config: unknown
        try {
          config = validateConfig(c.type, c.config)
        } catch (err) {
          throw new Error(`VIGIL_NOTIFY_FILE: channel ${c.name}: ${(err as Error).message}`)
        }
        return [c.name, { ...c, config, source: 'file' as const }]
      }),
    )
  }

  /** refresh reloads the stored channels. */
  async refresh(): Promise<void> {
    const stored = await listStoredChannels(this.client)
    const next = new Map(this.file)
    for (const s of stored) if (!next.has(s.name)) next.set(s.name, this.open(s))
    this.cache = next
    this.loadedAt = this.now()
  }

  /** all returns every channel, refreshed when the view is old. */
  async all(): Promise<Channel[]> {
    if (this.now() - this.loadedAt > refreshMs) await this.refresh()
    return [...this.cache.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
  }

  /** get returns one channel, or undefined. */
  async get(name: string): Promise<Channel | undefined> {
    if (this.now() - this.loadedAt > refreshMs || !this.cache.has(name)) await this.refresh()
    return this.cache.get(name)
  }

  /** present shows a channel to a reader: secrets as `***`. */
  present(c: Channel) {
    return {
      name: c.name,
      type: c.type,
      source: c.source,
      read_only: c.source === 'file',
      ...(c.error ? { error: c.error } : {}),
      rate_limit: c.rateLimit,
      config: redactSecrets(c.config as Record<string, unknown>, defOf(c.type).secrets),
      created_by: c.createdBy ?? null,
      created_at: c.createdAt === undefined ? null : new Date(c.createdAt).toISOString(),
      updated_at: c.updatedAt === undefined ? null : new Date(c.updatedAt).toISOString(),
    }
  }

  /** create stores a new channel; 409 when the name is taken here or in the notify file. */
  async create(input: ChannelInput, actor: string): Promise<Channel> {
    if (this.file.has(input.name))
      throw new ConflictError(`channel ${input.name} is defined in the notify file`)
    const config = validateConfig(input.type, input.config)
    const now = this.now()
    const row: StoredChannel = {
      name: input.name,
      type: input.type,
      config: sealSecrets(
        this.box,
        input.name,
        config as Record<string, unknown>,
        defOf(input.type).secrets,
      ),
      rateLimit: input.rateLimit,
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
    }
    if (!(await insertChannel(this.client, row)))
      throw new ConflictError(`channel ${input.name} exists`)
    await this.refresh()
    return (await this.get(input.name))!
  }

  /** update replaces a stored channel's config; `***` secrets keep their stored values. */
  async update(input: ChannelInput): Promise<Channel> {
    const current = await this.writable(input.name)
    const secrets = defOf(input.type).secrets
    const merged = keepRedacted(
      input.config,
      current.type === input.type ? (current.config as Record<string, unknown>) : undefined,
      secrets,
    )
    const config = validateConfig(input.type, merged)
    const ok = await updateChannel(this.client, {
      name: input.name,
      type: input.type,
      config: sealSecrets(this.box, input.name, config as Record<string, unknown>, secrets),
      rateLimit: input.rateLimit,
      createdBy: current.createdBy ?? '',
      createdAt: current.createdAt ?? 0,
      updatedAt: this.now(),
    })
    if (!ok) throw new NotFoundError(`no channel ${input.name}`)
    await this.refresh()
    return (await this.get(input.name))!
  }

  /** remove deletes a stored channel; rows still queued for it fail when their turn comes. */
  async remove(name: string): Promise<void> {
    await this.writable(name)
    if (!(await deleteChannel(this.client, name))) throw new NotFoundError(`no channel ${name}`)
    await this.refresh()
  }

  private async writable(name: string): Promise<Channel> {
    if (this.file.has(name))
      throw new ConflictError(`channel ${name} is defined in the notify file and is read-only`)
    const current = await this.get(name)
    if (!current) throw new NotFoundError(`no channel ${name}`)
    return current
  }

  private open(s: StoredChannel): Channel {
    const def = defOf(s.type)
    let plain: Record<string, unknown>
    try {
      plain = openSecrets(this.box, s.name, s.config, def.secrets)
    } catch {
      return {
        name: s.name,
        type: s.type,
        config: redactSecrets(s.config, def.secrets),
        rateLimit: s.rateLimit,
        source: 'api',
        error:
          'its secrets do not decrypt with this key (was VIGIL_SECRET_KEY or secret.key changed?)',
        createdBy: s.createdBy,
        createdAt: s.createdAt,
        updatedAt: s.updatedAt,
      }
    }
    // Stored configs were validated on the way in; parsing again applies defaults of newer code.
    const parsed = def.schema.safeParse(plain)
    return {
      name: s.name,
      type: s.type,
      config: parsed.success ? parsed.data : plain,
      rateLimit: s.rateLimit,
      source: 'api',
      createdBy: s.createdBy,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    }
  }
}

/** channelBody is the body of POST and PUT /api/v1/channels. */
export const channelBody = z.strictObject({
  name: z.string().optional(),
  type: z.enum(
    ['slack', 'webhook', 'email', 'pagerduty'] as const satisfies readonly ChannelType[],
    {
      error: 'must be one of slack, webhook, email, pagerduty',
    },
  ),
  config: z.record(z.string(), z.unknown()),
  rate_limit: z.number().int().min(0).max(100_000).default(0),
})
