/** @jsxImportSource hono/jsx */
/**
 * The Silences page: list, create (from the form, or prefilled with an incident's labels by
 * "Silence like this") and expire. A refused form comes back with its values and the reason.
 */
import { Hono, type Context } from 'hono'
import { SilencesPage, type SilenceForm } from '../../views/pages/silences.tsx'
import type { AppEnv } from '../app-env.ts'
import { auditRead, auditRequest } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { renderPage } from '../dashboard/render.tsx'
import { AppError, NotFoundError, ValidationError } from '../errors.ts'
import { canWrite } from './page.tsx'
import { incidentId } from './params.ts'
import { silenceInput } from './silences.ts'
import type { LabelMatcher } from './types.ts'

const line = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/

/** parseMatchers reads `name=value` lines (values may be quoted) into matchers. */
export function parseMatchers(text: string): LabelMatcher[] {
  const out: LabelMatcher[] = []
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim()) continue
    const m = line.exec(raw)
    if (!m)
      throw new ValidationError(
        `matchers: cannot read "${raw.trim().slice(0, 80)}"; write name=value`,
      )
    let value = m[3]!
    if (/^".*"$/.test(value)) value = JSON.parse(value) as string
    out.push({ name: m[1]!, op: m[2] as LabelMatcher['op'], value })
  }
  return out
}

const emptyForm: SilenceForm = { matchers: '', comment: '', duration: '2h', startsAt: '' }

async function page(
  c: Context<AppEnv>,
  form: SilenceForm,
  flash?: { kind: 'ok' | 'error'; text: string },
  status: 200 | 400 | 409 = 200,
) {
  const silences = await c.var.deps.silences.list()
  return renderPage(
    c,
    {
      title: 'Silences',
      active: 'incidents',
      content: (
        <SilencesPage
          silences={silences}
          canWrite={canWrite(c)}
          csrfToken={c.var.principal?.csrfToken}
          form={form}
          flash={flash}
        />
      ),
    },
    status,
  )
}

const field = (form: Record<string, unknown>, name: string) =>
  typeof form[name] === 'string' ? (form[name] as string) : ''

/** silencesPageRoutes is mounted at the root of the app. */
export const silencesPageRoutes = new Hono<AppEnv>()
  .get('/dashboard/silences', requires('incidents:read'), async (c) => {
    const from = incidentId(c.req.query('incident'))
    let form = emptyForm
    if (from !== undefined) {
      const incident = await c.var.deps.incidents.get(from)
      const matchers = Object.entries(incident.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      form = {
        ...emptyForm,
        matchers: matchers.join('\n'),
        comment: `Silenced from incident ${from}`,
      }
    }
    await auditRead(c, 'silences.query', { via: 'dashboard' })
    return page(c, form)
  })
  .post('/dashboard/silences', requires('incidents:write'), async (c) => {
    const body = (await c.req.parseBody()) as Record<string, unknown>
    const form: SilenceForm = {
      matchers: field(body, 'matchers'),
      comment: field(body, 'comment'),
      duration: field(body, 'duration'),
      startsAt: field(body, 'starts_at'),
    }
    try {
      const parsed = silenceInput.safeParse({
        matchers: parseMatchers(form.matchers),
        comment: form.comment,
        duration: form.duration.trim() || '2h',
        starts_at: form.startsAt.trim() || undefined,
      })
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        throw new ValidationError(`${issue.path.join('.') || 'form'}: ${issue.message}`)
      }
      const silence = await c.var.deps.silences.create(parsed.data, c.var.principal!.name)
      await auditRequest(c, {
        action: 'silence.create',
        target: String(silence.id),
        details: { matchers: silence.matchers, comment: silence.comment, via: 'dashboard' },
      })
      return page(c, emptyForm, { kind: 'ok', text: `Silence ${silence.id} created.` })
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err
      return page(c, form, { kind: 'error', text: err.message }, 400)
    }
  })
  .post('/dashboard/silences/:id/expire', requires('incidents:write'), async (c) => {
    const id = incidentId(c.req.param('id'))
    if (id === undefined) throw new NotFoundError(`no silence ${c.req.param('id')}`)
    try {
      await c.var.deps.silences.expire(id, c.var.principal!.name)
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 409) throw err
      return page(c, emptyForm, { kind: 'error', text: err.message }, 409)
    }
    await auditRequest(c, {
      action: 'silence.expire',
      target: String(id),
      details: { via: 'dashboard' },
    })
    return c.redirect('/dashboard/silences', 303)
  })
