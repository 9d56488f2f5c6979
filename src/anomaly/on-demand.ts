/**
 * Scoring points a caller brings (`POST /api/v1/detect-anomaly`) against the stored history of
 * the matching series: each series' state is warmed from its history before the first point, then
 * the points are scored in time order. Nothing is stored; the advice is advice only.
 */
import type { MetricsEngine } from '../metrics/engine.ts'
import type { Labels, Matcher } from '../metrics/types.ts'
import { advise, type Action } from './advice.ts'
import { createSeries, defaultOptions, detect } from './detect.ts'
import { explain } from './explain.ts'
import { warm } from './replay.ts'
import { isCounterName, seriesText } from './service.ts'
import { severityOf, severityRank, type Severity } from './severity.ts'
import type { ComponentKind, Expected } from './types.ts'

/** DetectPoint is one point a caller asks about; `index` is its place in the request. */
export interface DetectPoint {
  index: number
  name: string
  labels: Labels
  t: number
  v: number
}

/** PointVerdict is the answer for one point against one series. */
export interface PointVerdict {
  index: number
  metric_type: string
  series: string
  labels: Labels
  timestamp: string
  value: number
  is_anomaly: boolean
  score: number
  severity: Severity | 'none'
  component: ComponentKind
  expected: Expected
  explanation: string
  history_points: number
  recommended_action: Action
  reason: string
}

/** How much history warms a series (three days: the daily pattern needs more than one). */
export const historyMs = 3 * 86_400_000
export const historyPoints = 50_000
/** Series one point may match when its labels name several (e.g. one per container). */
export const maxMatches = 10

/** detectPoints scores the points, grouped by series, against each one's stored history. */
export async function detectPoints(
  engine: MetricsEngine,
  points: DetectPoint[],
): Promise<PointVerdict[]> {
  const groups = new Map<string, DetectPoint[]>()
  for (const p of points) {
    const key = seriesText({ ...p.labels, __name__: p.name })
    const group = groups.get(key)
    if (group) group.push(p)
    else groups.set(key, [p])
  }
  const out: PointVerdict[] = []
  for (const group of groups.values()) {
    group.sort((a, b) => a.t - b.t)
    const { name, labels } = group[0]!
    const matchers: Matcher[] = [{ name: '__name__', op: '=', value: name }]
    for (const [k, v] of Object.entries(labels)) matchers.push({ name: k, op: '=', value: v })
    const ids = engine.index.match(matchers)
    // The series with exactly these labels, if stored; else the ones these labels narrow to.
    const exact = ids.find((id) => Object.keys(engine.index.labels(id)!).length === matchers.length)
    const chosen = exact !== undefined ? [exact] : ids.slice(0, maxMatches)
    const first = group[0]!.t
    const history = await engine.selectIds(chosen, first - historyMs, first - 1)
    for (const id of chosen.length > 0 ? chosen : [undefined]) {
      const seriesLabels =
        id === undefined ? { ...labels, __name__: name } : engine.index.labels(id)!
      const state = createSeries(isCounterName(name) ? { counter: true } : undefined)
      const h = id === undefined ? undefined : history.get(id)
      const fed = h ? warm(state, h.ts, h.vs, first, historyPoints) : 0
      let run = 0
      let side = ''
      for (const p of group) {
        const v = verdict(p, seriesLabels, detect(state, p.t, p.v), fed)
        const direction = v.value >= v.expected.value ? 'above' : 'below'
        run = v.is_anomaly ? (direction === side ? run + 1 : 1) : 0
        side = direction
        if (v.is_anomaly) {
          const advice = advise({ name, direction, component: v.component, run })
          v.recommended_action = advice.action
          v.reason = advice.reason
        }
        out.push(v)
      }
    }
  }
  return out.sort((a, b) => a.index - b.index)
}

function verdict(
  p: DetectPoint,
  labels: Labels,
  r: ReturnType<typeof detect>,
  fed: number,
): PointVerdict {
  const anomalous = r.state !== 'warmup' && r.raw >= defaultOptions.enter
  return {
    index: p.index,
    metric_type: p.name,
    series: seriesText(labels),
    labels,
    timestamp: new Date(p.t).toISOString(),
    value: p.v,
    is_anomaly: anomalous,
    score: r.raw,
    severity: anomalous ? severityOf(r.raw) : 'none',
    component: r.component,
    expected: r.expected,
    explanation:
      r.state === 'warmup'
        ? `not enough history: ${fed} stored points before it, the detector needs ${defaultOptions.warmup}`
        : explain({ ...r, score: r.raw, alert: anomalous }),
    history_points: fed,
    recommended_action: 'none',
    reason: 'not anomalous',
  }
}

/**
 * summary is the request's overall answer: the most severe anomalous point gives the severity, and
 * the recommendation is the one of the most severe point that has a concrete action, if any.
 */
export function summary(verdicts: PointVerdict[]) {
  const anomalies = verdicts.filter((v) => v.is_anomaly)
  const rank = (v: PointVerdict) => severityRank(v.severity as Severity) + v.score
  const most = (list: PointVerdict[]) =>
    list.reduce<PointVerdict | undefined>((a, v) => (!a || rank(v) > rank(a) ? v : a), undefined)
  const top = most(anomalies)
  const acted = most(anomalies.filter((v) => v.recommended_action !== 'investigate')) ?? top
  return {
    is_anomaly: anomalies.length > 0,
    severity: top?.severity ?? 'none',
    confidence: Math.max(0, ...verdicts.map((v) => v.score)),
    recommended_action: acted?.recommended_action ?? 'none',
    anomalies,
    results: verdicts,
  }
}
