/** Severity of an anomaly from its score, and the order of severities. Pure. */

/** severities in rising order. */
export const severities = ['low', 'medium', 'high', 'critical'] as const

/** Severity is one entry of `severities`. */
export type Severity = (typeof severities)[number]

/**
 * severityOf grades a score at or above the alert threshold: critical from 0.95, high from 0.85,
 * medium from 0.7, low below (see the README's anomaly table).
 */
export function severityOf(score: number): Severity {
  if (score >= 0.95) return 'critical'
  if (score >= 0.85) return 'high'
  if (score >= 0.7) return 'medium'
  return 'low'
}

/** severityRank is the place of a severity in `severities` (low = 0). */
export function severityRank(severity: Severity): number {
  return severities.indexOf(severity)
}
