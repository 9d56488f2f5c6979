/**
 * The drift settings a config file may hold, validated by zod; the parsed value is a DiffOptions
 * (the lead wires it into src/config.ts, which stays the only reader of the environment).
 */
import { z } from 'zod'
import { ignoreRuleSchema } from './ignore.ts'
import { labelSelectorSchema } from './selector.ts'
import { severities } from './types.ts'

const severity = z.enum(severities)
const name = z.string().min(1).max(253)

/** scopeSchema validates the scope of `unexpected`: namespaces and kinds (globs), a label selector. */
export const scopeSchema = z.strictObject({
  namespaces: z.array(name).max(500).optional(),
  kinds: z.array(name).max(200).optional(),
  selector: labelSelectorSchema.optional(),
})

/** driftSettingsSchema validates the drift settings; every field is optional. */
export const driftSettingsSchema = z.strictObject({
  defaultNamespace: name.optional(),
  severities: z
    .strictObject({
      missing: severity.optional(),
      mismatch: severity.optional(),
      unexpected: severity.optional(),
    })
    .optional(),
  ignoreDifferences: z.array(ignoreRuleSchema).max(500).optional(),
  appliers: z.array(z.string().min(1).max(128)).max(50).optional(),
  scope: z.union([z.literal(false), scopeSchema]).optional(),
})

/** DriftSettings are parsed drift settings. */
export type DriftSettings = z.infer<typeof driftSettingsSchema>
