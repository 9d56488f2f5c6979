/**
 * apply_manifest server-side applies an object as vigil's field manager (`force` takes over
 * fields other managers own). Verified when a get shows every field the manifest set, with the
 * value the server answered to the apply (its canonical form: `1000m` comes back as `1`), and,
 * for objects with a controller, the applied generation observed.
 */
import { z } from 'zod'
import type { KubeObject } from '../../k8s/types.ts'
import type { ActionDefinition } from '../types.ts'
import { mustGet } from './cluster-objects.ts'
import { apiVersion, dnsSubdomain, kindName, namespace } from './params.ts'
import { waitFor } from './verification.ts'

const manifest = z.looseObject({
  apiVersion,
  kind: kindName,
  metadata: z.looseObject({ name: dnsSubdomain, namespace: namespace.optional() }),
})

const params = z.strictObject({
  manifest,
  force: z.boolean({ error: 'must be true or false' }).default(false),
})

/** ApplyManifestParams are the object to apply and whether to force. */
export type ApplyManifestParams = z.output<typeof params>

/** ApplyOutput is what the server answered to the apply. */
export interface ApplyOutput {
  /** The manifest's fields (not status) with the values the server answered. */
  applied: unknown
  resourceVersion: string | undefined
  generation: number | undefined
  dryRun: boolean
  object?: KubeObject
}

/** appliedFields is `answer` cut to the fields `manifest` sets (those the server kept). */
export function appliedFields(manifest: unknown, answer: unknown): unknown {
  if (answer === undefined || answer === null) return manifest
  if (Array.isArray(manifest))
    return Array.isArray(answer) && answer.length === manifest.length
      ? manifest.map((m, i) => appliedFields(m, answer[i]))
      : answer
  if (manifest !== null && typeof manifest === 'object') {
    if (typeof answer !== 'object') return answer
    const from = answer as Record<string, unknown>
    return Object.fromEntries(
      Object.entries(manifest)
        .filter(([k]) => k in from)
        .map(([k, v]) => [k, appliedFields(v, from[k])]),
    )
  }
  return answer
}

/** missingField names the first field of `want` that `have` lacks or holds differently, or null. */
export function missingField(want: unknown, have: unknown, path = ''): string | null {
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return path || '.'
    for (let i = 0; i < want.length; i++) {
      const miss = missingField(want[i], have[i], `${path}[${i}]`)
      if (miss) return miss
    }
    return null
  }
  if (want !== null && typeof want === 'object') {
    if (have === null || typeof have !== 'object') return path || '.'
    for (const [k, v] of Object.entries(want)) {
      const miss = missingField(v, (have as Record<string, unknown>)[k], path ? `${path}.${k}` : k)
      if (miss) return miss
    }
    return null
  }
  return want === have ? null : path
}

/** applyManifest is the apply_manifest action. */
export const applyManifest: ActionDefinition<ApplyManifestParams> = {
  name: 'apply_manifest',
  summary: 'Server-side apply an object as vigil',
  params,
  timeoutMs: 2 * 60_000,
  target: (p) => ({
    kind: p.manifest.kind,
    namespace: p.manifest.metadata.namespace,
    name: p.manifest.metadata.name,
  }),

  async run(ctx, p) {
    const object = await ctx.cluster.apply(p.manifest as KubeObject, {
      dryRun: ctx.dryRun,
      fieldManager: ctx.fieldManager,
      force: p.force,
    })
    const { apiVersion: _a, kind: _k, status: _s, ...fields } = p.manifest
    const output: ApplyOutput = {
      applied: appliedFields(fields, object),
      resourceVersion: object.metadata.resourceVersion,
      generation: object.metadata.generation,
      dryRun: ctx.dryRun,
      ...(ctx.dryRun ? { object } : {}),
    }
    const { kind, metadata } = p.manifest
    const where = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name
    return { message: `${ctx.dryRun ? 'would apply' : 'applied'} ${kind} ${where}`, output }
  },

  async verify(ctx, p, out, timeoutMs) {
    const { generation, applied } = out.output as ApplyOutput
    const { apiVersion: version, kind, metadata } = p.manifest
    const resource = await ctx.cluster.resourceFor(version, kind)
    const ref = {
      group: resource.group,
      version: resource.version,
      resource: resource.resource,
      namespace: resource.namespaced ? (metadata.namespace ?? ctx.cluster.namespace) : undefined,
    }
    const where = ref.namespace ? `${ref.namespace}/${metadata.name}` : metadata.name
    await waitFor(
      ctx,
      async () => {
        const live = await mustGet(ctx, ref, metadata.name, kind)
        const miss = missingField(applied, live)
        if (miss) return `field ${miss} differs from the manifest`
        const observed = (live.status as { observedGeneration?: number } | undefined)
          ?.observedGeneration
        if (observed !== undefined && observed < (generation ?? 0))
          return `generation ${generation} not observed yet (observed ${observed})`
        return true
      },
      timeoutMs,
      `${kind} ${where} as applied`,
    )
    return `${kind} ${where} holds the applied fields`
  },
}
