/** The channel registry: one entry per channel type; a missing type fails to compile. */
import type { ChannelDef } from '../channel.ts'
import type { ChannelType } from '../types.ts'
import { email } from './email.ts'
import { pagerduty } from './pagerduty.ts'
import { slack } from './slack.ts'
import { webhook } from './webhook.ts'

/** channels maps each channel type to its definition. */
export const channels = { slack, webhook, email, pagerduty } satisfies Record<
  ChannelType,
  ChannelDef
>
