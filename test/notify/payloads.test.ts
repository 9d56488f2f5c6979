/**
 * The Slack and PagerDuty bodies checked against the vendors' documented schemas, written here
 * as zod from their docs: Slack Block Kit (docs.slack.dev/reference/block-kit: header text 150,
 * section text 3000, at most 10 fields of 2000, context at most 10 elements, button text 75 and
 * url 3000, at most 50 blocks) and PagerDuty Events API v2 (developer.pagerduty.com, "Send an
 * Alert Event": routing_key, event_action enum, dedup_key ≤ 255, payload summary ≤ 1024, source,
 * severity enum for triggers; acknowledge and resolve need only key, dedup_key and action).
 */
import { describe, expect, it } from 'bun:test'
import { z } from 'zod'
import { pagerDutyEvent, pagerDutyUrl } from '../../src/notify/channels/pagerduty.ts'
import { renderSlack } from '../../src/notify/channels/slack.ts'
import { webhookBody } from '../../src/notify/channels/webhook.ts'
import type { Notification, NotifyEvent, RenderContext } from '../../src/notify/types.ts'

const plainText = (max: number) =>
  z.strictObject({
    type: z.literal('plain_text'),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  })
const textObject = (max: number) =>
  z.union([
    plainText(max),
    z.strictObject({
      type: z.literal('mrkdwn'),
      text: z.string().min(1).max(max),
      verbatim: z.boolean().optional(),
    }),
  ])
const button = z.strictObject({
  type: z.literal('button'),
  text: plainText(75),
  url: z.url().max(3000).optional(),
  action_id: z.string().max(255).optional(),
  style: z.enum(['primary', 'danger']).optional(),
})
const block = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('header'),
    text: plainText(150),
    block_id: z.string().max(255).optional(),
  }),
  z
    .strictObject({
      type: z.literal('section'),
      text: textObject(3000).optional(),
      fields: z.array(textObject(2000)).min(1).max(10).optional(),
      block_id: z.string().max(255).optional(),
    })
    .refine(
      (s) => s.text !== undefined || s.fields !== undefined,
      'a section needs text or fields',
    ),
  z.strictObject({
    type: z.literal('context'),
    elements: z.array(textObject(3000)).min(1).max(10),
  }),
  z.strictObject({ type: z.literal('actions'), elements: z.array(button).min(1).max(25) }),
  z.strictObject({ type: z.literal('divider') }),
])
const slackMessage = z.strictObject({
  text: z.string().min(1).max(40_000),
  attachments: z
    .array(
      z.strictObject({
        color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
        fallback: z.string().optional(),
        blocks: z.array(block).min(1).max(50),
      }),
    )
    .max(100),
})

const pdTrigger = z.strictObject({
  routing_key: z.string().length(32),
  event_action: z.literal('trigger'),
  dedup_key: z.string().min(1).max(255),
  payload: z.strictObject({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    timestamp: z.iso.datetime().optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
  images: z
    .array(z.strictObject({ src: z.url(), href: z.url().optional(), alt: z.string().optional() }))
    .optional(),
  links: z.array(z.strictObject({ href: z.url(), text: z.string().optional() })).optional(),
  client: z.string().optional(),
  client_url: z.url().optional(),
})
const pdFollowUp = z.strictObject({
  routing_key: z.string().length(32),
  event_action: z.enum(['acknowledge', 'resolve']),
  dedup_key: z.string().min(1).max(255),
})

const ctx: RenderContext = {
  now: Date.parse('2026-11-22T10:05:00Z'),
  publicUrl: 'https://vigil.example.com',
  version: '0.1.0',
}

function notification(
  event: NotifyEvent,
  over: Partial<Notification['incident']> = {},
): Notification {
  return {
    key: `inc-7:${event}|ops`,
    event,
    channel: 'ops',
    createdAt: ctx.now,
    incident: {
      id: 'inc-7',
      fingerprint: 'high-cpu:host=web-1',
      title: 'CPU above 90% on web-1',
      severity: 'critical',
      status:
        event === 'resolved' ? 'resolved' : event === 'acknowledged' ? 'acknowledged' : 'triggered',
      labels: { host: 'web-1', team: 'web' },
      annotations: { summary: 'CPU at 97% <for 5m> & rising' },
      startedAt: Date.parse('2026-11-22T10:00:00Z'),
      rule: 'high-cpu',
      ...over,
    },
  }
}

const huge = {
  title: 'x'.repeat(5000),
  fingerprint: 'f'.repeat(600),
  labels: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`label_${i}`, 'v'.repeat(200)])),
  annotations: { description: 'd'.repeat(10_000) },
}

describe('slack payload', () => {
  it.each(['triggered', 'acknowledged', 'resolved', 'repeat', 'test'] as NotifyEvent[])(
    'renderSlack() fits Block Kit for a %s event',
    (event) => {
      const message = renderSlack(notification(event), ctx)
      expect(slackMessage.safeParse(message).error).toBeUndefined()
    },
  )

  it('renderSlack() stays within the limits for oversized incidents', () => {
    const message = renderSlack(notification('triggered', huge), ctx)
    expect(slackMessage.safeParse(message).error).toBeUndefined()
  })

  it('renderSlack() colours by severity, turns green on resolve, links back and escapes mrkdwn', () => {
    const fired = renderSlack(notification('triggered'), ctx) as z.infer<typeof slackMessage>
    expect(fired.attachments[0]!.color).toBe('#d00000')
    expect(renderSlack(notification('resolved'), ctx)).toMatchObject({
      attachments: [{ color: '#2eb67d' }],
    })
    const text = JSON.stringify(fired)
    expect(text).toContain('https://vigil.example.com/incidents/inc-7')
    expect(text).toContain('&lt;for 5m&gt; &amp; rising')
    expect(text).toContain('`host=web-1`')
  })
})

describe('pagerduty payload', () => {
  const config = { routing_key: 'R0123456789abcdefABCDEF012345678', url: pagerDutyUrl }

  it.each([
    ['critical', 'critical'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'info'],
  ] as const)(
    'pagerDutyEvent() maps severity %s to %s in a valid trigger',
    (severity, expected) => {
      const event = pagerDutyEvent(notification('triggered', { severity }), config, ctx)
      expect(pdTrigger.safeParse(event).error).toBeUndefined()
      expect(event).toMatchObject({
        event_action: 'trigger',
        dedup_key: 'high-cpu:host=web-1',
        payload: { severity: expected, source: 'web-1', class: 'high-cpu' },
        links: [{ href: 'https://vigil.example.com/incidents/inc-7' }],
      })
    },
  )

  it.each([
    ['acknowledged', 'acknowledge'],
    ['resolved', 'resolve'],
  ] as const)(
    'pagerDutyEvent() sends %s as a valid %s with the same dedup_key',
    (event, action) => {
      const body = pagerDutyEvent(notification(event), config, ctx)
      expect(pdFollowUp.safeParse(body).error).toBeUndefined()
      expect(body).toEqual({
        routing_key: config.routing_key,
        dedup_key: 'high-cpu:host=web-1',
        event_action: action,
      })
    },
  )

  it('pagerDutyEvent() keeps oversized incidents valid (long fingerprints are hashed)', () => {
    const body = pagerDutyEvent(notification('repeat', huge), config, ctx)
    expect(pdTrigger.safeParse(body).error).toBeUndefined()
    expect(body.dedup_key).toMatch(/^[0-9a-f]{64}$/)
  })
})

describe('webhook payload', () => {
  it('webhookBody() carries the documented version 1 fields', () => {
    expect(
      webhookBody(
        notification('acknowledged', { acknowledgedAt: ctx.now, acknowledgedBy: 'ana' }),
        ctx,
      ),
    ).toEqual({
      version: '1',
      key: 'inc-7:acknowledged|ops',
      event: 'acknowledged',
      channel: 'ops',
      created_at: '2026-11-22T10:05:00.000Z',
      incident: {
        id: 'inc-7',
        fingerprint: 'high-cpu:host=web-1',
        title: 'CPU above 90% on web-1',
        severity: 'critical',
        status: 'acknowledged',
        labels: { host: 'web-1', team: 'web' },
        annotations: { summary: 'CPU at 97% <for 5m> & rising' },
        url: 'https://vigil.example.com/incidents/inc-7',
        rule: 'high-cpu',
        count: null,
        started_at: '2026-11-22T10:00:00.000Z',
        acknowledged_at: '2026-11-22T10:05:00.000Z',
        acknowledged_by: 'ana',
        resolved_at: null,
      },
    })
  })
})
