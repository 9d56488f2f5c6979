/** The fingerprint of an alert: one incident per rule and group of labels. Pure. */
import { createHash } from 'node:crypto'

/** fingerprintOf hashes the rule name and the group labels (sorted by name) into 16 hex digits. */
export function fingerprintOf(rule: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]])
  return createHash('sha256')
    .update(JSON.stringify([rule, sorted]))
    .digest('hex')
    .slice(0, 16)
}

/** groupLabels keeps only the `group_by` labels when it is set (absent ones are left out). */
export function groupLabels(
  labels: Record<string, string>,
  groupBy: readonly string[] | undefined,
): Record<string, string> {
  if (groupBy === undefined) return labels
  const kept: Record<string, string> = {}
  for (const name of groupBy) if (labels[name] !== undefined) kept[name] = labels[name]
  return kept
}
