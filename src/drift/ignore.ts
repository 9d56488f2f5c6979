/**
 * ignoreDifferences: rules from config that drop paths from the comparison of the resources they
 * match (by group, kind, namespace and name, each a `*` glob, absent matching all). A pointer drops
 * the path and everything under it; `*` stands for any one segment, such as every list item.
 */
import { z } from 'zod'
import { globMatch, parsePointer, pointerCovers } from './pointer.ts'
import type { ResourceId } from './types.ts'

const glob = z.string().min(1).max(253)

/** ignoreRuleSchema validates one ignoreDifferences rule from config. */
export const ignoreRuleSchema = z.strictObject({
  group: z.string().max(253).optional(),
  kind: glob.optional(),
  namespace: glob.optional(),
  name: glob.optional(),
  jsonPointers: z
    .array(
      z
        .string()
        .max(1024)
        .regex(/^(\/[^/]*)+$/, { error: 'must be a JSON pointer such as /spec/replicas' }),
    )
    .min(1)
    .max(100),
})

/** IgnoreRule is one ignoreDifferences rule. */
export type IgnoreRule = z.infer<typeof ignoreRuleSchema>

/** ignoredPointers lists, as segments, the pointers of every rule that matches the resource. */
export function ignoredPointers(rules: readonly IgnoreRule[], id: ResourceId): string[][] {
  return rules
    .filter(
      (r) =>
        (r.group === undefined || globMatch(r.group, id.group)) &&
        (r.kind === undefined || globMatch(r.kind, id.kind)) &&
        (r.namespace === undefined || globMatch(r.namespace, id.namespace ?? '')) &&
        (r.name === undefined || globMatch(r.name, id.name)),
    )
    .flatMap((r) => r.jsonPointers.map(parsePointer))
}

/** isIgnored is true when one of the pointers covers the path (given as segments). */
export function isIgnored(pointers: readonly string[][], path: readonly string[]): boolean {
  return pointers.some((p) => pointerCovers(p, path))
}
