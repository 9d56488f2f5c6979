/**
 * Generic webhook: a JSON body of version 1 (documented in the README), signed with
 * X-Vigil-Signature when the channel has a secret, with optional extra headers (kept secret,
 * since they usually carry credentials). `X-Vigil-Delivery` and `Idempotency-Key` carry the
 * notification's key, the same on every attempt, so a receiver can drop a repeat.
 */
import { z } from 'zod'
import { signatureHeader, signPayload } from '../../auth/signature.ts'
import { defineChannel } from '../channel.ts'
import { postRequest, type HttpRequest } from '../http.ts'
import { incidentUrl } from '../text.ts'
import type { Notification, RenderContext } from '../types.ts'

const reserved = /^(content-type|content-length|host|idempotency-key|x-vigil-.*)$/i

const schema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000, { error: 'at most 2000 characters' }),
  secret: z
    .string()
    .min(16, { error: 'must be at least 16 characters' })
    .max(256, { error: 'at most 256 characters' })
    .optional(),
  headers: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'header names are letters, digits and -' })
        .refine((h) => !reserved.test(h), { error: 'this header is set by vigil' }),
      z.string().max(4096, { error: 'at most 4096 characters' }),
    )
    .refine((h) => Object.keys(h).length <= 20, { error: 'at most 20 headers' })
    .optional(),
})

/** WebhookConfig is the config of a webhook channel. */
export type WebhookConfig = z.output<typeof schema>

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())

/** webhookBody is the JSON a webhook receives (schema version 1). */
export function webhookBody(n: Notification, ctx: RenderContext) {
  const i = n.incident
  return {
    version: '1',
    key: n.key,
    event: n.event,
    channel: n.channel,
    created_at: new Date(n.createdAt).toISOString(),
    incident: {
      id: i.id,
      fingerprint: i.fingerprint,
      title: i.title,
      severity: i.severity,
      status: i.status,
      labels: i.labels,
      annotations: i.annotations,
      url: incidentUrl(n, ctx) ?? null,
      rule: i.rule ?? null,
      count: i.count ?? null,
      started_at: new Date(i.startedAt).toISOString(),
      acknowledged_at: iso(i.acknowledgedAt),
      acknowledged_by: i.acknowledgedBy ?? null,
      resolved_at: iso(i.resolvedAt),
    },
  }
}

function render(n: Notification, config: WebhookConfig, ctx: RenderContext): HttpRequest {
  const body = JSON.stringify(webhookBody(n, ctx))
  const headers: Record<string, string> = {
    ...config.headers,
    'Content-Type': 'application/json',
    'User-Agent': `vigil/${ctx.version}`,
    'X-Vigil-Event': n.event,
    'X-Vigil-Delivery': n.key,
    'Idempotency-Key': n.key,
  }
  if (config.secret)
    headers[signatureHeader] = signPayload(config.secret, body, ctx.now / 1000).header
  return { url: config.url, headers, body }
}

/** webhook is the generic, signed JSON webhook channel. */
export const webhook = defineChannel({
  type: 'webhook',
  schema,
  secrets: ['secret', 'headers'],
  render,
  send: (n, config, ctx) =>
    postRequest(render(n, config, ctx), ctx.timeoutMs, () => ctx.now, ctx.signal),
})
