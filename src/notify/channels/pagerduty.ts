/**
 * PagerDuty Events API v2: trigger (and repeat, test), acknowledge and resolve, correlated by
 * `dedup_key` = the incident's fingerprint; severity mapped onto critical / error / warning /
 * info. Any 2xx (PagerDuty answers 202) is delivered; 400 is final; 429 and 5xx are retried.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { defineChannel } from '../channel.ts'
import { postRequest, type HttpRequest } from '../http.ts'
import { incidentUrl, truncate } from '../text.ts'
import type { Notification, NotifyEvent, RenderContext, Severity } from '../types.ts'

/** pagerDutyUrl is the Events API v2 endpoint. */
export const pagerDutyUrl = 'https://events.pagerduty.com/v2/enqueue'

const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max, { error: `at most ${max} characters` })

const schema = z.strictObject({
  routing_key: z
    .string()
    .regex(/^[A-Za-z0-9]{32}$/, { error: 'must be the 32-character integration key' }),
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .default(pagerDutyUrl),
  source: text(255).optional(),
  component: text(255).optional(),
  group: text(255).optional(),
})

/** PagerDutyConfig is the config of a PagerDuty channel. */
export type PagerDutyConfig = z.output<typeof schema>

/** pagerDutySeverity maps vigil's severities onto PagerDuty's four. */
export const pagerDutySeverity: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
}

const actions: Record<NotifyEvent, 'trigger' | 'acknowledge' | 'resolve'> = {
  triggered: 'trigger',
  repeat: 'trigger',
  test: 'trigger',
  acknowledged: 'acknowledge',
  resolved: 'resolve',
}

/** dedupKey is the fingerprint, or its SHA-256 when longer than PagerDuty's 255 characters. */
export function dedupKey(fingerprint: string): string {
  return fingerprint.length <= 255
    ? fingerprint
    : createHash('sha256').update(fingerprint).digest('hex')
}

/** pagerDutyEvent builds the Events API v2 body. */
export function pagerDutyEvent(n: Notification, config: PagerDutyConfig, ctx: RenderContext) {
  const i = n.incident
  const action = actions[n.event]
  const base = {
    routing_key: config.routing_key,
    dedup_key: dedupKey(i.fingerprint),
    event_action: action,
  }
  if (action !== 'trigger') return base
  const url = incidentUrl(n, ctx)
  return {
    ...base,
    payload: {
      summary: truncate(i.title, 1024),
      source: truncate(config.source ?? i.labels.instance ?? i.labels.host ?? 'vigil', 255),
      severity: pagerDutySeverity[i.severity],
      timestamp: new Date(i.startedAt).toISOString(),
      ...(config.component ? { component: config.component } : {}),
      ...(config.group ? { group: config.group } : {}),
      ...(i.rule ? { class: truncate(i.rule, 255) } : {}),
      custom_details: {
        incident_id: i.id,
        event: n.event,
        status: i.status,
        severity: i.severity,
        labels: i.labels,
        annotations: i.annotations,
      },
    },
    client: 'vigil',
    ...(ctx.publicUrl ? { client_url: ctx.publicUrl } : {}),
    ...(url ? { links: [{ href: url, text: 'Open in vigil' }] } : {}),
  }
}

function render(n: Notification, config: PagerDutyConfig, ctx: RenderContext): HttpRequest {
  return {
    url: config.url,
    headers: { 'Content-Type': 'application/json', 'User-Agent': `vigil/${ctx.version}` },
    body: JSON.stringify(pagerDutyEvent(n, config, ctx)),
  }
}

/** pagerduty is the PagerDuty Events API v2 channel. */
export const pagerduty = defineChannel({
  type: 'pagerduty',
  schema,
  secrets: ['routing_key'],
  render,
  send: (n, config, ctx) =>
    postRequest(render(n, config, ctx), ctx.timeoutMs, () => ctx.now, ctx.signal),
})
