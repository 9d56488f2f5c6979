/** The shape every channel type has: a config schema with its secrets, a pure render and a send. */
import type { z } from 'zod'
import type { ChannelType, Notification, RenderContext, SendContext, SendResult } from './types.ts'

/** ChannelDef is one kind of receiver (one file under channels/). */
export interface ChannelDef<S extends z.ZodType = z.ZodType> {
  type: ChannelType
  /** schema validates the `config` of a channel of this type. */
  schema: S
  /** secrets names the config fields encrypted at rest and shown as `***`. */
  secrets: readonly string[]
  /** render builds the request or message for one notification, without I/O. */
  render(n: Notification, config: z.output<S>, ctx: RenderContext): unknown
  /** send renders and delivers one notification, classifying the outcome. */
  send(n: Notification, config: z.output<S>, ctx: SendContext): Promise<SendResult>
}

/** defineChannel keeps a channel's config type attached to its schema. */
export function defineChannel<S extends z.ZodType>(def: ChannelDef<S>): ChannelDef<S> {
  return def
}
