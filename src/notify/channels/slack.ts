/**
 * Slack incoming webhook: one message whose attachment carries the severity colour and Block Kit
 * blocks (header, fields, annotations, context, a button back to the incident), kept within
 * Slack's documented limits (header 150, section text 3000, field 2000, 10 fields, button 75).
 */
import { z } from 'zod'
import { defineChannel } from '../channel.ts'
import { postRequest, type HttpRequest } from '../http.ts'
import { colorOf, eventWord, headline, incidentUrl, sortedEntries, truncate } from '../text.ts'
import type { Notification, RenderContext } from '../types.ts'

const schema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000, { error: 'at most 2000 characters' }),
})

/** SlackConfig is the config of a Slack channel: the incoming webhook URL (a secret). */
export type SlackConfig = z.output<typeof schema>

/** escapeMrkdwn escapes the three characters Slack's mrkdwn gives meaning to. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const plain = (text: string, max: number) => ({ type: 'plain_text', text: truncate(text, max) })
const mrkdwn = (text: string, max: number) => ({ type: 'mrkdwn', text: truncate(text, max) })

/** renderSlack builds the incoming-webhook body. */
export function renderSlack(n: Notification, ctx: RenderContext): Record<string, unknown> {
  const i = n.incident
  const url = incidentUrl(n, ctx)
  const fields = [
    mrkdwn(`*Severity*\n${i.severity}`, 2000),
    mrkdwn(`*Status*\n${i.status}`, 2000),
    mrkdwn(`*Started*\n${new Date(i.startedAt).toISOString()}`, 2000),
  ]
  if (i.rule) fields.push(mrkdwn(`*Rule*\n${escapeMrkdwn(i.rule)}`, 2000))
  const labels = sortedEntries(i.labels)
  if (labels.length > 0) {
    const text = labels.map(([k, v]) => `\`${escapeMrkdwn(k)}=${escapeMrkdwn(v)}\``).join(' ')
    fields.push(mrkdwn(`*Labels*\n${text}`, 2000))
  }
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: plain(`${eventWord(n.event)}: ${i.title}`, 150) },
    { type: 'section', fields: fields.slice(0, 10) },
  ]
  const notes = sortedEntries(i.annotations)
  if (notes.length > 0) {
    const text = notes.map(([k, v]) => `*${escapeMrkdwn(k)}*: ${escapeMrkdwn(v)}`).join('\n')
    blocks.push({ type: 'section', text: mrkdwn(text, 3000) })
  }
  blocks.push({
    type: 'context',
    elements: [mrkdwn(`vigil · fingerprint \`${escapeMrkdwn(i.fingerprint)}\``, 2000)],
  })
  if (url)
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: plain('Open incident', 75), url: truncate(url, 3000) }],
    })
  return {
    text: truncate(escapeMrkdwn(headline(n)), 3000),
    attachments: [{ color: colorOf(n), fallback: truncate(headline(n), 3000), blocks }],
  }
}

function render(n: Notification, config: SlackConfig, ctx: RenderContext): HttpRequest {
  return {
    url: config.url,
    headers: { 'Content-Type': 'application/json', 'User-Agent': `vigil/${ctx.version}` },
    body: JSON.stringify(renderSlack(n, ctx)),
  }
}

/** slack is the Slack incoming-webhook channel. */
export const slack = defineChannel({
  type: 'slack',
  schema,
  secrets: ['url'],
  render,
  send: (n, config, ctx) =>
    postRequest(render(n, config, ctx), ctx.timeoutMs, () => ctx.now, ctx.signal),
})
