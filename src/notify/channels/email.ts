/**
 * E-mail over SMTP through nodemailer: STARTTLS (required by default), implicit TLS or none,
 * optional AUTH, a text and an HTML part. The Message-ID is derived from the notification key,
 * so a receiver sees a resend as the same message. SMTP 5xx and refused auth are final; 4xx,
 * timeouts and connection errors are retried.
 */
import { createHash } from 'node:crypto'
import nodemailer from 'nodemailer'
import { z } from 'zod'
import { defineChannel } from '../channel.ts'
import { colorOf, eventWord, headline, incidentUrl, sortedEntries } from '../text.ts'
import type { Notification, RenderContext, SendResult } from '../types.ts'

const address = z.email({ error: 'must be an e-mail address' }).max(254)

const schema = z
  .strictObject({
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).optional(),
    tls: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
    username: z.string().min(1).max(256).optional(),
    password: z.string().min(1).max(1024).optional(),
    /** ca is a PEM bundle to trust besides the system's (a private mail relay). */
    ca: z.string().max(65536).optional(),
    from: address,
    to: z.array(address).min(1, { error: 'needs at least one recipient' }).max(50),
  })
  .refine((c) => (c.username === undefined) === (c.password === undefined), {
    error: 'username and password go together',
  })

/** EmailConfig is the config of an e-mail channel. */
export type EmailConfig = z.output<typeof schema>

/** EmailMessage is a rendered e-mail, in nodemailer's terms. */
export interface EmailMessage {
  from: string
  to: string[]
  subject: string
  text: string
  html: string
  messageId: string
  headers: Record<string, string>
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** renderEmail builds the message for one notification. */
export function renderEmail(
  n: Notification,
  config: EmailConfig,
  ctx: RenderContext,
): EmailMessage {
  const i = n.incident
  const url = incidentUrl(n, ctx)
  const facts: [string, string][] = [
    ['Event', eventWord(n.event)],
    ['Severity', i.severity],
    ['Status', i.status],
    ['Started', new Date(i.startedAt).toISOString()],
    ['Fingerprint', i.fingerprint],
    ...(i.rule ? [['Rule', i.rule] as [string, string]] : []),
    ...sortedEntries(i.labels).map(([k, v]) => [`label ${k}`, v] as [string, string]),
    ...sortedEntries(i.annotations),
  ]
  const text = [
    headline(n),
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    ...(url ? ['', `Open: ${url}`] : []),
    '',
    '-- vigil',
  ].join('\n')
  const rows = facts
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('')
  const html =
    `<div style="border-left:4px solid ${colorOf(n)};padding-left:12px">` +
    `<h2>${escapeHtml(headline(n))}</h2><table>${rows}</table>` +
    (url ? `<p><a href="${escapeHtml(url)}">Open the incident</a></p>` : '') +
    '</div>'
  const id = createHash('sha256').update(n.key).digest('hex').slice(0, 32)
  return {
    from: config.from,
    to: config.to,
    subject: headline(n).slice(0, 250),
    text,
    html,
    messageId: `<${id}@vigil>`,
    headers: { 'X-Vigil-Delivery': n.key, 'X-Vigil-Event': n.event },
  }
}

const finalCodes = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE'])

/** classify turns a nodemailer error into a SendResult. */
function classify(err: unknown): SendResult {
  const e = err as { code?: string; responseCode?: number; message?: string }
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined
  // The SMTP reply decides when there is one (4xx temporary, 5xx permanent); else the kind.
  const final = status !== undefined ? status >= 500 : finalCodes.has(e.code ?? '')
  return {
    ok: false,
    retry: !final,
    status,
    error:
      `SMTP ${e.code ?? 'error'}${status ? ` ${status}` : ''}: ${e.message ?? String(err)}`.slice(
        0,
        512,
      ),
  }
}

/** email is the SMTP channel. */
export const email = defineChannel({
  type: 'email',
  schema,
  secrets: ['password'],
  render: renderEmail,
  async send(n, config, ctx) {
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port ?? (config.tls === 'implicit' ? 465 : 587),
      secure: config.tls === 'implicit',
      requireTLS: config.tls === 'starttls',
      ignoreTLS: config.tls === 'none',
      auth: config.username ? { user: config.username, pass: config.password } : undefined,
      tls: config.ca ? { ca: config.ca } : undefined,
      connectionTimeout: ctx.timeoutMs,
      greetingTimeout: ctx.timeoutMs,
      socketTimeout: ctx.timeoutMs,
    })
    try {
      const info = await transport.sendMail(renderEmail(n, config, ctx))
      return { ok: true, detail: String(info.response ?? '').slice(0, 512) || undefined }
    } catch (err) {
      return classify(err)
    } finally {
      transport.close()
    }
  },
})
