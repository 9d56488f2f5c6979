/**
 * Silences as people make them: validated (at least one matcher, regexes that compile, an end
 * after the start, no longer than the maximum), stored, and applied to the open incidents at
 * once. A silence that starts in the future is a maintenance window.
 */
import { z } from 'zod'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { formatDuration, parseDuration } from '../units.ts'
import type { IncidentService } from './service.ts'
import { anchored, silenceState } from './silence.ts'
import { expireSilence, getSilence, insertSilence, recentSilences } from './silence-store.ts'
import { matcherOps, type Silence, type SilenceState } from './types.ts'

const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/, { error: 'must be a label name such as service' })

/** matcherSchema validates one label matcher; regexes must compile. */
export const matcherSchema = z
  .object({ name: labelName, op: z.enum(matcherOps), value: z.string().max(1024) })
  .superRefine((m, ctx) => {
    if (m.op !== '=~' && m.op !== '!~') return
    try {
      anchored(m.value)
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `invalid regex: ${(err as Error).message}`,
      })
    }
  })

/** silenceInput validates a new silence; times are RFC 3339, `duration` like `2h`. */
export const silenceInput = z
  .object({
    matchers: z.array(matcherSchema).min(1, { error: 'give at least one matcher' }).max(32),
    comment: z.string().trim().min(1, { error: 'say why (a comment is required)' }).max(2000),
    starts_at: z.iso.datetime({ offset: true }).optional(),
    ends_at: z.iso.datetime({ offset: true }).optional(),
    duration: z.string().max(32).optional(),
  })
  .refine((s) => (s.ends_at === undefined) !== (s.duration === undefined), {
    error: 'give either ends_at or duration',
    path: ['ends_at'],
  })

/** SilenceInput is a validated new silence. */
export type SilenceInput = z.output<typeof silenceInput>

/** SilenceView is a silence with its state at the time it was read. */
export interface SilenceView extends Silence {
  state: SilenceState
}

/** SilenceService creates, lists and expires silences. */
export class SilenceService {
  constructor(private readonly incidents: IncidentService) {}

  /** create stores a silence and silences the open incidents it matches. */
  async create(input: SilenceInput, actor: string): Promise<SilenceView> {
    const now = this.incidents.now()
    const startsAt = input.starts_at ? Date.parse(input.starts_at) : now
    let endsAt: number
    if (input.duration !== undefined) {
      const ms = parseDuration(input.duration)
      if (ms === undefined || ms <= 0)
        throw new ValidationError('body: duration: must be a duration such as 2h or 30m')
      endsAt = startsAt + ms
    } else endsAt = Date.parse(input.ends_at!)
    if (endsAt <= startsAt) throw new ValidationError('body: ends_at: must be after starts_at')
    if (endsAt <= now) throw new ValidationError('body: ends_at: must be in the future')
    const max = this.incidents.options.silenceMaxMs
    if (endsAt - startsAt > max)
      throw new ValidationError(
        `body: a silence may last at most ${formatDuration(max)} (VIGIL_SILENCE_MAX_DURATION)`,
      )
    const silence = await insertSilence(this.incidents.client, {
      matchers: input.matchers,
      comment: input.comment,
      createdBy: actor,
      createdAt: now,
      startsAt,
      endsAt,
      expiredBy: null,
    })
    await this.incidents.resilence(actor)
    return { ...silence, state: silenceState(silence, now) }
  }

  /** expire ends a silence now; 409 when it has already ended. */
  async expire(id: number, actor: string): Promise<SilenceView> {
    const now = this.incidents.now()
    const silence = await this.get(id)
    if (silence.state === 'expired')
      throw new ConflictError(`silence ${id} has already expired`, { code: 'silence_expired' })
    await expireSilence(this.incidents.client, id, now, actor)
    await this.incidents.resilence(actor)
    return { ...silence, endsAt: now, expiredBy: actor, state: 'expired' }
  }

  /** get reads one silence with its state; 404 when there is none. */
  async get(id: number): Promise<SilenceView> {
    const silence = await getSilence(this.incidents.client, id)
    if (!silence) throw new NotFoundError(`no silence ${id}`)
    return { ...silence, state: silenceState(silence, this.incidents.now()) }
  }

  /** list reads the newest silences (active, pending and expired). */
  async list(limit = 200): Promise<SilenceView[]> {
    const now = this.incidents.now()
    return (await recentSilences(this.incidents.client, limit)).map((s) => ({
      ...s,
      state: silenceState(s, now),
    }))
  }
}
