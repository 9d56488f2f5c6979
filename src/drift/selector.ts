/** Kubernetes label selectors (`matchLabels` and `matchExpressions`), validated by zod and matched purely. */
import { z } from 'zod'

const labelKey = z.string().min(1).max(317)
const labelValue = z.string().max(63)

/** labelSelectorSchema validates a label selector as Kubernetes writes it. */
export const labelSelectorSchema = z.strictObject({
  matchLabels: z.record(labelKey, labelValue).optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: labelKey,
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(labelValue).max(100).optional(),
      }),
    )
    .max(50)
    .optional(),
})

/** LabelSelector is a parsed label selector. */
export type LabelSelector = z.infer<typeof labelSelectorSchema>

/** selectorMatches is true when the labels satisfy every term of the selector. */
export function selectorMatches(
  selector: LabelSelector,
  labels: Readonly<Record<string, unknown>>,
): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false
  return (selector.matchExpressions ?? []).every((e) => {
    const has = typeof labels[e.key] === 'string'
    const inValues = has && (e.values ?? []).includes(labels[e.key] as string)
    switch (e.operator) {
      case 'Exists':
        return has
      case 'DoesNotExist':
        return !has
      case 'In':
        return inValues
      case 'NotIn':
        return !inValues
    }
  })
}
